using System.Reflection;
using HandlebarsDotNet;

namespace GroupNet.Codegen;

/// <summary>The Handlebars templates of Templates/*.hbs (embedded resources), compiled once into a
/// Handlebars environment owned by this instance (no global registrations). C text is never
/// HTML-escaped.</summary>
public sealed class TemplateSet
{
    private const string Prefix = "GroupNet.Codegen.Templates.";
    private readonly Dictionary<string, HandlebarsTemplate<object, object>> _templates = new(StringComparer.Ordinal);

    public TemplateSet()
    {
        var handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        var assembly = typeof(TemplateSet).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".hbs", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"template resource {resource} is missing");
            using var reader = new StreamReader(stream);
            string name = resource[Prefix.Length..^".hbs".Length];
            _templates[name] = handlebars.Compile(reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal));
        }
    }

    /// <summary>Renders template <paramref name="name"/> (file name without .hbs) with <paramref name="data"/>.</summary>
    public string Render(string name, object data)
    {
        if (!_templates.TryGetValue(name, out var template))
        {
            throw new InvalidOperationException($"no template '{name}.hbs' (have: {string.Join(", ", _templates.Keys)})");
        }
        return template(data);
    }
}
