//===- GgufDequant.cpp - ggml tensor types to float32 ---------------------===//
//
// Block layouts (ggml-common.h), all little-endian:
//   Q8_0  fp16 d, int8 q[32]                     y = q * d
//   Q4_0  fp16 d, u8 qs[16]                      y = d * (q - 8)
//   Q4_1  fp16 d, fp16 m, u8 qs[16]              y = d * q + m
//         (elements 0..15 are the low nibbles of qs, 16..31 the high ones)
//   Q4_K  fp16 d, fp16 dmin, u8 scales[12], u8 qs[128]: 8 sub-blocks of 32
//         with 6-bit scale and min; y = (d * sc) * q - (dmin * m)
//   Q6_K  u8 ql[128], u8 qh[64], int8 scales[16], fp16 d: 16 sub-blocks of
//         16; y = (d * scale) * (q - 32), q = 4 low bits | 2 high bits << 4
// Each product is rounded to float32 in the same order as gguf-py, and this
// file is compiled without FMA contraction, so results match it exactly.
//
//===----------------------------------------------------------------------===//

#include "r1fmt/GgufDequant.h"

#include <fmt/format.h>

#include <cstring>

namespace r1fmt {

namespace {

float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t loadU16(const uint8_t *p) { return uint16_t(p[0] | (p[1] << 8)); }

float loadHalf(const uint8_t *p) { return halfToFloat(loadU16(p)); }

void dequantQ8_0(const uint8_t *b, float *y) {
  float d = loadHalf(b);
  for (int i = 0; i < 32; ++i)
    y[i] = float(int8_t(b[2 + i])) * d;
}

void dequantQ4_0(const uint8_t *b, float *y) {
  float d = loadHalf(b);
  const uint8_t *qs = b + 2;
  for (int i = 0; i < 16; ++i) {
    y[i] = d * float(int(qs[i] & 0x0F) - 8);
    y[i + 16] = d * float(int(qs[i] >> 4) - 8);
  }
}

void dequantQ4_1(const uint8_t *b, float *y) {
  float d = loadHalf(b), m = loadHalf(b + 2);
  const uint8_t *qs = b + 4;
  for (int i = 0; i < 16; ++i) {
    y[i] = d * float(qs[i] & 0x0F) + m;
    y[i + 16] = d * float(qs[i] >> 4) + m;
  }
}

/// Scale and min of Q4_K sub-block j (0..7) from the 12 packed bytes.
void q4kScaleMin(const uint8_t *s, int j, uint8_t &sc, uint8_t &mn) {
  if (j < 4) {
    sc = s[j] & 0x3F;
    mn = s[j + 4] & 0x3F;
  } else {
    sc = (s[j + 4] & 0x0F) | ((s[j - 4] >> 2) & 0x30);
    mn = (s[j + 4] >> 4) | ((s[j] >> 2) & 0x30);
  }
}

void dequantQ4_K(const uint8_t *b, float *y) {
  float d = loadHalf(b), dmin = loadHalf(b + 2);
  const uint8_t *scales = b + 4, *qs = b + 16;
  for (int j = 0; j < 8; ++j) {
    uint8_t sc, mn;
    q4kScaleMin(scales, j, sc, mn);
    float ds = d * float(sc), dm = dmin * float(mn);
    // Sub-blocks 2c and 2c+1 share the 32 bytes qs[32c..32c+31]: low
    // nibbles first, then high nibbles.
    const uint8_t *q = qs + 32 * (j / 2);
    int shift = 4 * (j % 2);
    for (int i = 0; i < 32; ++i)
      y[32 * j + i] = ds * float((q[i] >> shift) & 0x0F) - dm;
  }
}

void dequantQ6_K(const uint8_t *b, float *y) {
  const uint8_t *ql = b, *qh = b + 128;
  const int8_t *scales = reinterpret_cast<const int8_t *>(b + 192);
  float d = loadHalf(b + 208);
  // Two halves of 128 values; value r*32 + c of a half (r = 0..3) takes its
  // low bits from ql[(r%2)*32 + c] (nibble r/2) and its high bits from
  // qh[c] (bits 2r, 2r+1).
  for (int h = 0; h < 2; ++h) {
    for (int r = 0; r < 4; ++r) {
      for (int c = 0; c < 32; ++c) {
        int e = 128 * h + 32 * r + c;
        int lo = (ql[64 * h + 32 * (r % 2) + c] >> (4 * (r / 2))) & 0x0F;
        int hi = (qh[32 * h + c] >> (2 * r)) & 0x03;
        float s = d * float(scales[e / 16]);
        y[e] = s * float((lo | (hi << 4)) - 32);
      }
    }
  }
}

} // namespace

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31;
  uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  if (exp == 0x1F) // inf / NaN (payload kept, as numpy does)
    return bitsToFloat(sign | 0x7F800000u | (mant << 13));
  if (exp != 0)
    return bitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  if (mant == 0)
    return bitsToFloat(sign);
  // Subnormal: mant * 2^-24, exact in float32.
  float v = float(mant) * bitsToFloat(0x33800000u); // 2^-24
  return sign ? -v : v;
}

float bf16ToFloat(uint16_t b) { return bitsToFloat(uint32_t(b) << 16); }

bool canDequantize(GgmlType type) {
  switch (type) {
  case GgmlType::F32:
  case GgmlType::F16:
  case GgmlType::BF16:
  case GgmlType::Q8_0:
  case GgmlType::Q4_0:
  case GgmlType::Q4_1:
  case GgmlType::Q4_K:
  case GgmlType::Q6_K:
    return true;
  default:
    return false;
  }
}

bool dequantizeBlocks(GgmlType type, const uint8_t *src, uint64_t n,
                      float *dst) {
  auto blocks = [&](void (*fn)(const uint8_t *, float *), uint64_t elems,
                    uint64_t bytes) {
    for (uint64_t i = 0; i < n / elems; ++i)
      fn(src + i * bytes, dst + i * elems);
  };
  switch (type) {
  case GgmlType::F32:
    std::memcpy(dst, src, n * 4);
    return true;
  case GgmlType::F16:
    for (uint64_t i = 0; i < n; ++i)
      dst[i] = halfToFloat(loadU16(src + 2 * i));
    return true;
  case GgmlType::BF16:
    for (uint64_t i = 0; i < n; ++i)
      dst[i] = bf16ToFloat(loadU16(src + 2 * i));
    return true;
  case GgmlType::Q8_0:
    blocks(dequantQ8_0, 32, 34);
    return true;
  case GgmlType::Q4_0:
    blocks(dequantQ4_0, 32, 18);
    return true;
  case GgmlType::Q4_1:
    blocks(dequantQ4_1, 32, 20);
    return true;
  case GgmlType::Q4_K:
    blocks(dequantQ4_K, 256, 144);
    return true;
  case GgmlType::Q6_K:
    blocks(dequantQ6_K, 256, 210);
    return true;
  default:
    return false;
  }
}

Expected<uint64_t> dequantizeRows(const GgufFile &f, const GgufTensorInfo &t,
                                  uint64_t firstRow, uint64_t numRows,
                                  float *dst) {
  GgmlTypeTraits traits = *ggmlTypeTraits(uint32_t(t.type));
  if (!canDequantize(t.type))
    return Error{fmt::format("{}: tensor '{}' has ggml type {}, which this "
                             "reader cannot dequantize (supported: F32, F16, "
                             "BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K)",
                             f.path(), ggufPrintable(t.name), traits.name)};
  uint64_t rows = t.numRows();
  if (firstRow > rows || numRows > rows - firstRow)
    return Error{fmt::format("{}: tensor '{}': rows [{}, {}) are outside its "
                             "{} rows",
                             f.path(), ggufPrintable(t.name), firstRow,
                             firstRow + numRows, rows)};
  uint64_t rowElems = t.rowElems();
  uint64_t rowBytes = rowElems / traits.blockElems * traits.blockBytes;
  dequantizeBlocks(t.type, f.tensorData(t) + firstRow * rowBytes,
                   numRows * rowElems, dst);
  return numRows * rowElems;
}

Expected<std::vector<float>> dequantize(const GgufFile &f,
                                        const GgufTensorInfo &t) {
  std::vector<float> out(t.numElements());
  auto n = dequantizeRows(f, t, 0, t.numRows(), out.data());
  if (!n)
    return Error{n.error()};
  return out;
}

} // namespace r1fmt
