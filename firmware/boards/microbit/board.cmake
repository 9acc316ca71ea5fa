# Board "microbit": Cortex-M0, emulated by QEMU machine "microbit"; memory of a real part,
# Nordic nRF51822-QFAA (BBC micro:bit v1): 256 KiB flash, 16 KiB RAM (2 KiB of it reserved for the stack). See microbit.ld.
#
# Every board folder under firmware/boards/ provides a board.cmake that sets the same variables;
# the top-level CMakeLists.txt includes it before any C target is declared, so the CPU flags
# reach the runtime, the model and the firmware alike.
#
#   GN_BOARD_CORE           core name used in reports ("M0")
#   GN_BOARD_QEMU_MACHINE   qemu-system-arm -M value
#   GN_BOARD_QEMU_CPU       qemu-system-arm -cpu value
#   GN_BOARD_CPU_FLAGS      compile + link flags selecting the core and ABI
#   GN_BOARD_LINKER_SCRIPT  absolute path of the linker script (the part's MEMORY regions)
#   GN_BOARD_SOURCES        board C sources (vector table, reset handler)

set(GN_BOARD_CORE "M0")
set(GN_BOARD_QEMU_MACHINE "microbit")
set(GN_BOARD_QEMU_CPU "cortex-m0")
# Integer-only firmware: soft-float ABI, no FPU or MVE code, so the reset handler enables nothing.
set(GN_BOARD_CPU_FLAGS -mcpu=cortex-m0 -mthumb -mfloat-abi=soft)
set(GN_BOARD_LINKER_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/microbit.ld")
set(GN_BOARD_SOURCES "${CMAKE_CURRENT_LIST_DIR}/../../common/startup_cortexm.c")
