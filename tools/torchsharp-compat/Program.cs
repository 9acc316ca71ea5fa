using GroupNet.Tools.TorchSharpCompat;

return CompatCommand.Run(args, Console.Out, Console.Error);
