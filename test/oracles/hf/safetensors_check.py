"""Cross-checks r1rt's safetensors files against the Python safetensors
package. Reads IN (written by r1rt), verifies every tensor against the
deterministic values the C++ test used, then writes OUT with the same tensors
(plus metadata) for r1rt to read back. Exit status 0 on success.
Usage: python safetensors_check.py IN OUT"""
import sys

import torch
from safetensors import safe_open
from safetensors.torch import save_file

DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
          "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32,
          "U8": torch.uint8, "BOOL": torch.bool}


def expected():
    out = {}
    base = torch.arange(12, dtype=torch.float64)
    for name, dt in DTYPES.items():
        if dt == torch.bool:
            v = (base.long() % 3 == 0)
        elif dt.is_floating_point:
            v = base * 0.75 - 3.0
        elif dt == torch.uint8:
            v = base * 20
        else:
            v = base * 1000003 - 5
        out[name] = v.to(dt).reshape(3, 4)
    out["scalar"] = torch.tensor(3.25, dtype=torch.float32)
    out["empty"] = torch.zeros(0, 5, dtype=torch.float32)
    return out


src, dst = sys.argv[1], sys.argv[2]
want = expected()
with safe_open(src, "pt") as f:
    assert f.metadata() == {"writer": "r1rt"}, f.metadata()
    assert sorted(f.keys()) == sorted(want), f.keys()
    for name, t in want.items():
        got = f.get_tensor(name)
        assert got.dtype == t.dtype and got.shape == t.shape, name
        assert torch.equal(got, t), name
save_file(want, dst, metadata={"writer": "python"})
print("ok")
