//===- Moe.h - DeepSeekMoE kernels on CUDA ----------------------*- C++ -*-===//
//
// DeepSeekMoE on CUDA (raw pointers): routing, permutation, grouped SwiGLU
// experts, combine.
//
//===----------------------------------------------------------------------===//

#ifndef R1RT_KERNELS_CUDA_MOE_H
#define R1RT_KERNELS_CUDA_MOE_H

#include "r1rt/kernels/cuda/Common.h"

namespace r1rt::cuda {

/// Gate score function (docs/runtime.md, "DeepSeek").
enum class ScoreFunc : int { Softmax = 0, Sigmoid = 1 };

/// Routing configuration, DeepSeek-V3 `Gate` semantics.
struct RouteParams {
  int64_t tokens = 0;  ///< T.
  int64_t experts = 0; ///< E ≤ 1024.
  int topK = 0;        ///< k ≤ 32, ≤ E.
  ScoreFunc score = ScoreFunc::Softmax;
  int groups = 1;         ///< Expert groups (E divisible by it, ≤ 32).
  int topkGroups = 1;     ///< Groups kept per token when groups > 1.
  float routeScale = 1.f; ///< Multiplies the final weights.
  bool renormalize =
      false; ///< Divide selected weights by their sum (V3: sigmoid).
};

/// Routing forward: logits [T,E] fp32 (x·W_g^T), bias [E] fp32 or null. The
/// selection uses score + bias (group-limited: a group's score is the sum of
/// its top-2 biased scores, or its max without bias); the weights use the
/// unbiased scores. Writes scores [T,E] (saved for backward), topIdx [T,k]
/// int32 in descending order of biased score, topWeight [T,k] fp32.
cudaError_t moeRouteForward(const float *logits, const float *bias,
                            const RouteParams &params, float *scores,
                            int32_t *topIdx, float *topWeight,
                            cudaStream_t stream);

/// Routing backward: dTopWeight [T,k] → dLogits [T,E] (the bias gets none).
cudaError_t moeRouteBackward(const float *scores, const int32_t *topIdx,
                             const float *dTopWeight, const RouteParams &params,
                             float *dLogits, cudaStream_t stream);

/// Device workspace bytes for moePermute.
size_t moePermuteWorkspaceBytes(int64_t tokens, int topK, int64_t experts);

/// Stable counting sort of the T·k assignments a = t·k + j by expert.
/// Writes offsets [E+1] (segment e is rows [offsets[e], offsets[e+1])),
/// sortedAssign [T·k] (assignment at each permuted row; its token is a / k,
/// ascending within a segment) and slotOf [T·k] (permuted row of each a).
cudaError_t moePermute(const int32_t *topIdx, int64_t tokens, int topK,
                       int64_t experts, int32_t *offsets, int32_t *sortedAssign,
                       int32_t *slotOf, void *workspace, cudaStream_t stream);

/// xPerm[i] = x[sortedAssign[i] / k]; x [T,D], xPerm [T·k, D] bf16.
cudaError_t moeGather(const bf16 *x, const int32_t *sortedAssign,
                      int64_t tokens, int topK, int64_t dim, bf16 *xPerm,
                      cudaStream_t stream);

/// Backward of moeGather: dx[t] = Σ_j dxPerm[slotOf[t·k + j]] (fp32 sum).
cudaError_t moeGatherBackward(const bf16 *dxPerm, const int32_t *slotOf,
                              int64_t tokens, int topK, int64_t dim, bf16 *dx,
                              cudaStream_t stream);

/// Weighted combine: y[t] = Σ_j w[t,j]·yPerm[slotOf[t·k + j]] (fp32 sum).
cudaError_t moeCombine(const bf16 *yPerm, const int32_t *slotOf,
                       const float *weights, int64_t tokens, int topK,
                       int64_t dim, bf16 *y, cudaStream_t stream);

/// Backward of moeCombine: dyPerm[slotOf[t·k+j]] = w[t,j]·dy[t] and
/// dWeights[t,j] = dy[t]·yPerm[slotOf[t·k+j]].
cudaError_t moeCombineBackward(const bf16 *dy, const bf16 *yPerm,
                               const int32_t *slotOf, const float *weights,
                               int64_t tokens, int topK, int64_t dim,
                               bf16 *dyPerm, float *dWeights,
                               cudaStream_t stream);

/// Routed-expert sizes. Weights follow DeepSeek-V3's `Expert`: w1, w3
/// [E,F,D] (gate and up projections), w2 [E,D,F] (down), bf16 row-major.
struct ExpertShape {
  int64_t experts = 0; ///< E.
  int64_t dim = 0;     ///< D.
  int64_t ffn = 0;     ///< F (expert_dim).
};

/// Grouped SwiGLU over the expert segments of xPerm [R,D], R = offsets[E]:
/// h13 = [x·w1_e^T, x·w3_e^T] [R,2F], act = silu(h1)·h3 [R,F], yPerm =
/// act·w2_e^T [R,D]. hostOffsets is the [E+1] offsets array in host memory (the
/// GEMM sizes are host parameters of cuBLAS). h13 and act are saved for
/// backward.
cudaError_t moeExpertsForward(cublasHandle_t blas, const bf16 *xPerm,
                              const int32_t *hostOffsets, const bf16 *w1,
                              const bf16 *w3, const bf16 *w2,
                              const ExpertShape &shape, bf16 *h13, bf16 *act,
                              bf16 *yPerm, cudaStream_t stream);

/// Device workspace bytes for moeExpertsBackward with \p rows permuted rows.
size_t moeExpertsBackwardWorkspaceBytes(int64_t rows, const ExpertShape &shape);

/// Backward of moeExpertsForward: dyPerm [R,D] → dxPerm [R,D], dw1, dw3
/// [E,F,D], dw2 [E,D,F] (experts with no rows get zero gradients).
cudaError_t moeExpertsBackward(cublasHandle_t blas, const bf16 *xPerm,
                               const int32_t *hostOffsets, const bf16 *w1,
                               const bf16 *w3, const bf16 *w2, const bf16 *h13,
                               const bf16 *act, const bf16 *dyPerm,
                               const ExpertShape &shape, bf16 *dxPerm,
                               bf16 *dw1, bf16 *dw3, bf16 *dw2, void *workspace,
                               cudaStream_t stream);

} // namespace r1rt::cuda

#endif
