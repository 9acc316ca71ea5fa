using FluentAssertions;
using GroupNet.Firmware;
using GroupNet.Firmware.Size;

namespace GroupNet.Tests.Firmware;

/// <summary>The flash / RAM split from arm-none-eabi-size -A and nm -S text, and the fit check against a part.</summary>
public class MemoryBreakdownTests
{
    private const string SizeA = """
        gn_firmware.elf  :
        section             size        addr
        .isr_vector          448           0
        .text               9000         448
        .rodata             5000        9448
        .ARM.exidx             8       14448
        .data                 16   536870912
        .bss                2000   536870928
        .ARM.attributes       46           0
        .comment              73           0
        .debug_info          999           0
        Total              17590
        """;

    private const string Nm = """
        00000100 00000200 t gn_layer0_stem
        00000300 00000400 t gn_layer1_g0_b0
        00000700 00000040 t gn_layer1_g0_b0.part.0
        000024f0 00000120 r gn_l0_t0_weights
        00002610 00000100 r gn_l0_thresholds
        00002710 00000800 r gn_l1_t0_weights
        00002f10 00000080 r gn_l1_t0_mult
        00002f90 00000280 r gn_head_weights
        00003210 00000028 r gn_head_bias
        00003238 00000310 r gn_test_images
        20000000 00000010 d gn_marker_state
        20000010 00000600 b gn_act0
        20000610 00000400 b gn_act1
        20000a10 00000020 b gn_pooled5
        20000a30 00000028 b gn_logits
        """;

    [Fact]
    public void Flash_and_RAM_parts_sum_to_the_section_sizes_and_per_layer_bytes_follow_the_generated_names()
    {
        var sections = MemoryBreakdown.ParseSections(SizeA);
        var m = MemoryBreakdown.FromSectionsAndSymbols(sections, MemoryBreakdown.ParseSymbols(Nm), ["stem", "g0_b0"]);

        sections.Select(s => s.Name).Should().Equal(".isr_vector", ".text", ".rodata", ".ARM.exidx", ".data", ".bss");
        m.CodeBytes.Should().Be(448 + 9000 + 8);
        m.WeightBytes.Should().Be(0x120 + 0x800 + 0x280);
        m.TableBytes.Should().Be(0x100 + 0x80 + 0x28);
        m.TestImageBytes.Should().Be(0x310);
        m.DataImageBytes.Should().Be(16);
        m.OtherConstantBytes.Should().Be(5000 - m.WeightBytes - m.TableBytes - m.TestImageBytes);
        // Berkeley text + data of the same image: the split loses and invents nothing.
        m.FlashBytes.Should().Be(448 + 9000 + 5000 + 8 + 16);
        m.ModelFlashBytes.Should().Be(m.FlashBytes - 0x310);
        m.ArenaBytes.Should().Be(0x600 + 0x400 + 0x20);
        m.StaticRamBytes.Should().Be(16 + 2000);
        m.OtherRamBytes.Should().Be(2016 - m.ArenaBytes);

        m.Layers.Select(l => l.Name).Should().Equal("stem", "g0_b0", "head");
        m.Layers[0].Should().Be(new LayerBytes("stem", 0, 0x120, 0x100, 0x200));
        m.Layers[1].Should().Be(new LayerBytes("g0_b0", 1, 0x800, 0x80, 0x400 + 0x40));
        m.Layers[2].Should().Be(new LayerBytes("head", -1, 0x280, 0x28, 0));
    }

    [Fact]
    public void Fit_check_names_what_overflows_by_how_many_bytes()
    {
        var board = Boards.Microbit; // 256 KiB flash, 16 KiB RAM of which 2 KiB stack
        new FitCheck(board, 262144, 14336, 2048).Describe().Should().Be("fits");
        new FitCheck(board, 262144, 14336, 2048).Fits.Should().BeTrue();
        var over = new FitCheck(board, 262145, 14336 + 11312, 2100);
        over.Fits.Should().BeFalse();
        over.Describe().Should().Be("does not fit: flash overflow by 1 bytes, RAM overflow by 11312 bytes, stack overflow by 52 bytes");
        new FitCheck(board, 1000, 1000, null).StackFree.Should().BeNull();
    }
}
