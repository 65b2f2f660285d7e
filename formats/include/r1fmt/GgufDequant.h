//===- GgufDequant.h - ggml tensor types to float32 -------------*- C++ -*-===//
//
// Dequantizes GGUF tensor data to float32 following ggml's block layouts,
// with the same float32 arithmetic as gguf-py's gguf.quants.dequantize, the
// reference our tests compare against bit for bit. Supported: F32, F16,
// BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K.
//
//===----------------------------------------------------------------------===//

#ifndef R1FMT_GGUFDEQUANT_H
#define R1FMT_GGUFDEQUANT_H

#include "r1fmt/Gguf.h"

#include <cstdint>
#include <vector>

namespace r1fmt {

/// IEEE half and bfloat16 bit patterns to float (exact).
float halfToFloat(uint16_t h);
float bf16ToFloat(uint16_t b);

/// Whether dequantizeBlocks handles `type`.
bool canDequantize(GgmlType type);

/// Dequantizes `n` values of `type` (n a multiple of its block size) from
/// `src` into `dst`. Returns false, writing nothing, for a type that
/// canDequantize rejects.
bool dequantizeBlocks(GgmlType type, const uint8_t *src, uint64_t n,
                      float *dst);

/// Rows [firstRow, firstRow + numRows) of `t` (a row is t.rowElems() values)
/// into `dst`, which holds numRows * t.rowElems() floats. Returns the number
/// of floats written. Errors name the file, the tensor and the type, or the
/// row range.
Expected<uint64_t> dequantizeRows(const GgufFile &f, const GgufTensorInfo &t,
                                  uint64_t firstRow, uint64_t numRows,
                                  float *dst);

/// The whole tensor, row-major in t.shape().
Expected<std::vector<float>> dequantize(const GgufFile &f,
                                        const GgufTensorInfo &t);

} // namespace r1fmt

#endif // R1FMT_GGUFDEQUANT_H
