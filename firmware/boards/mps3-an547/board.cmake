# Board "mps3-an547": Cortex-M55, emulated by QEMU machine "mps3-an547"; memory of a real part,
# Alif Ensemble E7 AE722F80F55D5, M55-HE core TCMs: 256 KiB flash, 256 KiB RAM (8 KiB of it reserved for the stack). See mps3-an547.ld.
#
# Every board folder under firmware/boards/ provides a board.cmake that sets the same variables;
# the top-level CMakeLists.txt includes it before any C target is declared, so the CPU flags
# reach the runtime, the model and the firmware alike.
#
#   GN_BOARD_CORE           core name used in reports ("M55")
#   GN_BOARD_QEMU_MACHINE   qemu-system-arm -M value
#   GN_BOARD_QEMU_CPU       qemu-system-arm -cpu value
#   GN_BOARD_CPU_FLAGS      compile + link flags selecting the core and ABI
#   GN_BOARD_LINKER_SCRIPT  absolute path of the linker script (the part's MEMORY regions)
#   GN_BOARD_SOURCES        board C sources (vector table, reset handler)

set(GN_BOARD_CORE "M55")
set(GN_BOARD_QEMU_MACHINE "mps3-an547")
set(GN_BOARD_QEMU_CPU "cortex-m55")
# Integer-only firmware: soft-float ABI, no FPU or MVE code, so the reset handler enables nothing.
set(GN_BOARD_CPU_FLAGS -mcpu=cortex-m55 -mthumb -mfloat-abi=soft)
set(GN_BOARD_LINKER_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/mps3-an547.ld")
set(GN_BOARD_SOURCES "${CMAKE_CURRENT_LIST_DIR}/../../common/startup_cortexm.c")
