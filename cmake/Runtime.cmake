# Finds LibTorch (from the PyPI torch wheel) and, optionally, the CUDA toolkit
# for the runtime. Included from the top level; sets no LLVM flags.

if(NOT Torch_DIR)
  execute_process(
    COMMAND ${R1C_PYTHON} -c "import torch, sys; sys.stdout.write(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE R1C_TORCH_PREFIX RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "r1c: cannot import torch with ${R1C_PYTHON}. Run scripts/install-deps.sh "
                        "or pass -DTorch_DIR=... / -DR1C_ENABLE_RUNTIME=OFF.")
  endif()
  list(APPEND CMAKE_PREFIX_PATH ${R1C_TORCH_PREFIX})
endif()

# CUDA: compiled whenever nvcc is found (CI has no GPU but still compiles).
set(R1C_HAVE_CUDA OFF)
if(NOT R1C_ENABLE_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90a)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(R1C_HAVE_CUDA ON)
    message(STATUS "r1c: CUDA kernels enabled (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, sm_${CMAKE_CUDA_ARCHITECTURES})")
  elseif(R1C_ENABLE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "r1c: R1C_ENABLE_CUDA=ON but nvcc was not found")
  endif()
endif()

# TorchConfig probes CUDA when the wheel is CUDA-enabled; keep its noise quiet
# and its architecture list on Hopper.
if(NOT DEFINED TORCH_CUDA_ARCH_LIST)
  set(TORCH_CUDA_ARCH_LIST "9.0a")
endif()
find_package(Torch REQUIRED CONFIG)
message(STATUS "r1c: LibTorch ${Torch_VERSION} from ${Torch_DIR}")

# The CPU runtime links only torch_cpu and c10, so that r1run starts on a
# machine without CUDA libraries. CUDA bindings link torch_cuda separately.
add_library(r1c_torch_cpu INTERFACE)
target_link_libraries(r1c_torch_cpu INTERFACE torch_cpu c10)
target_include_directories(r1c_torch_cpu SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
separate_arguments(_r1c_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(r1c_torch_cpu INTERFACE ${_r1c_torch_flags})

find_package(CLI11 CONFIG REQUIRED)

