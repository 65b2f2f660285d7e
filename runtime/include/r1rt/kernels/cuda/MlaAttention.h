//===- MlaAttention.h - MLA attention kernels on CUDA -----------*- C++ -*-===//
//
// MLA attention on CUDA (raw pointers): flash-style training fwd/bwd and
// absorbed decode.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_MLAATTENTION_H
#define R1RT_KERNELS_CUDA_MLAATTENTION_H

#include "r1rt/kernels/cuda/Common.h"

namespace r1rt::cuda {

/// Training-path (naive MLA) attention sizes. q and k have head dim dimQK =
/// nope_dim + rope_dim, v and the output have dimV = v_dim.
struct AttentionShape {
  int64_t batch = 0;  ///< B.
  int64_t seqLen = 0; ///< S (queries = keys).
  int64_t heads = 0;  ///< H.
  int64_t dimQK = 0;  ///< d_qk ≤ 256 for backward, ≤ 1024 for forward.
  int64_t dimV = 0;   ///< d_v ≤ 256 for backward, ≤ 512 for forward.
};

/// Forward. q, k [B,S,H,dimQK], v [B,S,H,dimV] bf16, contiguous. Writes
/// o [B,S,H,dimV] bf16 and lse [B,H,S] fp32 (log-sum-exp of the scaled scores,
/// saved for backward). Online softmax over 32-key tiles; no [S,S] matrix.
cudaError_t mlaAttentionForward(const bf16 *q, const bf16 *k, const bf16 *v,
                                const AttentionShape &shape, float scale,
                                bool causal, bf16 *o, float *lse,
                                cudaStream_t stream);

/// Device workspace bytes for mlaAttentionBackward (the row sums dO·O).
size_t mlaAttentionBackwardWorkspaceBytes(const AttentionShape &shape);

/// Backward (FlashAttention-2 recomputation). Inputs as in the forward plus
/// o, lse and dO [B,S,H,dimV]; writes dq, dk [B,S,H,dimQK] and dv bf16.
/// Deterministic: no atomics.
cudaError_t mlaAttentionBackward(const bf16 *q, const bf16 *k, const bf16 *v,
                                 const bf16 *o, const float *lse,
                                 const bf16 *dO, const AttentionShape &shape,
                                 float scale, bool causal, bf16 *dq, bf16 *dk,
                                 bf16 *dv, void *workspace,
                                 cudaStream_t stream);

/// Absorbed-decode sizes (MQA over the latent cache).
struct DecodeShape {
  int64_t batch = 0;    ///< B.
  int64_t heads = 0;    ///< H (all heads share the latent cache).
  int64_t capacity = 0; ///< Cache rows per sequence (≥ every length).
  int64_t kvRank = 0;   ///< d_v = kv_rank ≤ 512.
  int64_t ropeDim = 0;  ///< d_k = kv_rank + rope_dim ≤ 1024.
};

/// One decode step. qAbs [B,H,kvRank+ropeDim] bf16 (W_UK folded into q_nope,
/// then q_pe), cache [B,capacity,kvRank+ropeDim] bf16 ([c_kv; k_pe] per
/// token), lengths [B] int32 in [1, capacity]. Writes out [B,H,kvRank] bf16
/// (the latent context, before W_UV) and, when non-null, lse [B,H] fp32.
cudaError_t mlaDecodeForward(const bf16 *qAbs, const bf16 *cache,
                             const int32_t *lengths, const DecodeShape &shape,
                             float scale, bf16 *out, float *lse,
                             cudaStream_t stream);

} // namespace r1rt::cuda

#endif
