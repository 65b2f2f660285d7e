//===- Mix.h - Deterministic ratio interleave of two datasets ---*- C++ -*-===//

#ifndef R1RT_DATA_MIX_H
#define R1RT_DATA_MIX_H

#include "r1rt/data/Record.h"

#include <vector>

namespace r1rt::data {

/// `mix(a, b, ..., ratio = wa:wb:...)`: every record of every input exactly
/// once, each input in its own order, interleaved so that every prefix holds
/// the inputs as close to the weights as integers allow (error diffusion:
/// the next record comes from the input whose (taken + 1) / weight is
/// smallest, ties to the earlier input). Exhausted inputs drop out and the
/// others continue in the same proportions. An empty `weights` means equal
/// weights. Throws r1rt::Error unless there are >= 2 inputs and one weight
/// >= 1 per input.
std::vector<Record> mix(const std::vector<std::vector<Record>> &inputs,
                        const std::vector<unsigned> &weights);

/// Two-input form: mix({a, b}, {wa, wb}).
std::vector<Record> mix(const std::vector<Record> &a,
                        const std::vector<Record> &b, unsigned wa, unsigned wb);

} // namespace r1rt::data

#endif // R1RT_DATA_MIX_H
