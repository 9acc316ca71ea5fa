# CMake toolchain file for the GNU Arm Embedded toolchain (Debian: gcc-arm-none-eabi).
#
# Usage:
#   cmake -S . -B build-arm -DCMAKE_TOOLCHAIN_FILE=firmware/cmake/arm-none-eabi.cmake \
#         -DGN_BOARD=mps2-an386 -DGN_MODEL_DIR=/path/to/model
#
# CPU flags are NOT set here: they belong to the board (firmware/boards/<board>/board.cmake),
# so one toolchain file serves every Cortex-M core.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(GN_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the cross tools")

find_program(GN_ARM_GCC ${GN_TOOLCHAIN_PREFIX}gcc)
if(NOT GN_ARM_GCC)
  message(FATAL_ERROR
    "${GN_TOOLCHAIN_PREFIX}gcc not found on PATH. "
    "Install it with: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi")
endif()
get_filename_component(GN_ARM_BIN_DIR "${GN_ARM_GCC}" DIRECTORY)

set(CMAKE_C_COMPILER   "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}gcc")
set(CMAKE_CXX_COMPILER "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}g++")
set(CMAKE_ASM_COMPILER "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}gcc")
set(CMAKE_AR           "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}ar" CACHE FILEPATH "")
set(CMAKE_RANLIB       "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}ranlib" CACHE FILEPATH "")
set(CMAKE_OBJCOPY      "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}objcopy" CACHE FILEPATH "")
set(CMAKE_OBJDUMP      "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}objdump" CACHE FILEPATH "")
set(CMAKE_SIZE         "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}size" CACHE FILEPATH "")
set(CMAKE_NM           "${GN_ARM_BIN_DIR}/${GN_TOOLCHAIN_PREFIX}nm" CACHE FILEPATH "")

# No OS, no crt0 for try_compile: test the compiler by building a static library only.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Search headers/libraries only in the target environment, programs only on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXECUTABLE_SUFFIX_C ".elf")
