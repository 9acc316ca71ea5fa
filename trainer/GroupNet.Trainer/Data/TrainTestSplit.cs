namespace GroupNet.Trainer.Data;

/// <summary>A data set's training and test parts, read together because they come from the same files.</summary>
public sealed record TrainTestSplit(ImageDataset Train, ImageDataset Test);
