//===- BpeNormalizer.cpp - NFC through ICU --------------------------------===//
//
// The only normalizer supported is NFC (Qwen2.5's). ICU normalizes each
// well-formed UTF-8 run; invalid bytes in between pass through untouched.
//
//===----------------------------------------------------------------------===//

#include "BpeModel.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

namespace r1fmt::bpe {
namespace {

void nfcRun(std::string_view run, std::string &out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2 *nfc = icu::Normalizer2::getNFCInstance(status);
  icu::StringPiece piece(run.data(), int32_t(run.size()));
  if (U_SUCCESS(status) && nfc->isNormalizedUTF8(piece, status) &&
      U_SUCCESS(status)) {
    out.append(run);
    return;
  }
  status = U_ZERO_ERROR;
  std::string normalized;
  icu::StringByteSink<std::string> sink(&normalized);
  if (nfc)
    nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  out += U_SUCCESS(status) && nfc ? normalized : std::string(run);
}

} // namespace

std::string normalizeNfc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t runStart = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t at = pos;
    if (nextCodePoint(text, pos) != 0xFFFFFFFF)
      continue;
    nfcRun(text.substr(runStart, at - runStart), out);
    out.append(text.substr(at, pos - at));
    runStart = pos;
  }
  nfcRun(text.substr(runStart), out);
  return out;
}

} // namespace r1fmt::bpe
