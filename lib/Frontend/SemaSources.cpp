//===- SemaSources.cpp - Checks of pretrained models (hf, gguf) -----------===//
//
// `model p = hf("dir")` and `model p = gguf("file.gguf")`: the config is read
// at compile time (config.json, or the GGUF header; never the weights) and
// mapped by r1formats to the plan.json model object, which becomes the
// model's type. The model's tokenizer comes with it, so the pipeline
// declares none, and models that must share a vocabulary (a distill teacher
// and student) must bring the same tokenizer.
//
//===----------------------------------------------------------------------===//

#include "FileDigest.h"
#include "Sema.h"

#include "r1fmt/ModelSource.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

using namespace r1;
using namespace r1::ast;

namespace {
/// Fills a dense config from the plan.json model object; false when a field
/// is missing (r1formats always writes them all).
bool denseFromJson(const llvm::json::Object &m, DenseConfig &c) {
  auto i = [&](llvm::StringRef k, int64_t &out) {
    std::optional<int64_t> v = m.getInteger(k);
    return v ? (out = *v, true) : false;
  };
  auto f = [&](llvm::StringRef k, double &out) {
    std::optional<double> v = m.getNumber(k);
    return v ? (out = *v, true) : false;
  };
  auto b = [&](llvm::StringRef k, bool &out) {
    std::optional<bool> v = m.getBoolean(k);
    return v ? (out = *v, true) : false;
  };
  return i("vocab_size", c.vocabSize) && i("dim", c.dim) &&
         i("layers", c.layers) && i("heads", c.heads) &&
         i("kv_heads", c.kvHeads) && i("head_dim", c.headDim) &&
         i("ffn", c.ffn) && i("max_seq", c.maxSeq) &&
         f("norm_eps", c.normEps) && f("rope_theta", c.ropeTheta) &&
         b("qkv_bias", c.qkvBias) && b("tie_embeddings", c.tieEmbeddings);
}
} // namespace

void Sema::checkModelSource(ModelDecl &decl) {
  CallExpr &call = *decl.getSourceCall();
  llvm::StringRef callee = call.getCallee();
  const Signature *sig = lookup(getModelSourceSignatures(), callee);
  if (!sig) {
    error(call.getLoc(),
          "unknown model source '" + callee +
              "'; expected hf(\"dir\"), gguf(\"file.gguf\") or an "
              "architecture block such as dense { ... }" +
              didYouMean(callee, {"hf", "gguf", "dense", "deepseek"}));
    return;
  }
  std::string what = ("model '" + decl.getName() + "' (" + callee + ")").str();
  if (failed(normalize(call.getArgsMutable(), *sig, call.getLoc(), what)))
    return;
  const Arg &pathArg = call.getArgs().front();
  auto *str = llvm::cast<StringExpr>(pathArg.value.get());
  std::string path = resolvePath(str->getValue());
  bool hf = callee == "hf";
  r1fmt::Expected<r1fmt::ModelSourceInfo> info =
      hf ? r1fmt::readHfModelSource(path) : r1fmt::readGgufModelSource(path);
  if (!info) {
    // Name the file as the recipe wrote it.
    std::string message = info.error();
    if (llvm::StringRef(message).starts_with(path))
      message = str->getValue().str() + message.substr(path.size());
    error(str->getLoc(), "cannot read " + what + ": " + message);
    return;
  }
  llvm::Expected<llvm::json::Value> model = llvm::json::parse(info->modelJson);
  const llvm::json::Object *obj = model ? model->getAsObject() : nullptr;
  std::optional<llvm::StringRef> arch =
      obj ? obj->getString("arch") : std::nullopt;
  if (!model)
    llvm::consumeError(model.takeError());
  if (!arch || *arch != "dense" || !denseFromJson(*obj, decl.dense)) {
    error(str->getLoc(), what + " maps to an architecture r1c cannot train "
                                "yet; only dense (llama, qwen2) models are "
                                "supported");
    return;
  }
  // Dense features the runtime has but r1c's types do not carry yet: refuse
  // rather than emit a plan.json whose config the runtime would reject.
  const llvm::json::Value *llama3 = obj->get("rope_llama3");
  if (obj->getBoolean("qk_norm").value_or(false) ||
      (llama3 && llama3->kind() != llvm::json::Value::Null)) {
    error(str->getLoc(), what + " uses " +
                             (llama3 && llama3->kind() != llvm::json::Value::Null
                                  ? "Llama 3 RoPE scaling"
                                  : "per-head q/k RMSNorm (qwen3)") +
                             ", which r1c's dense type does not carry yet");
    return;
  }
  decl.arch = ModelDecl::Arch::Dense;
  ModelSource src;
  src.format = callee.str();
  src.path = path;
  src.tokenizerDigest = digestBytes(info->tokenizerJson);
  llvm::SmallString<256> tokPath(path);
  if (hf)
    llvm::sys::path::append(tokPath, "tokenizer.json");
  src.tokenizerPath = std::string(tokPath);
  src.hasChatTemplate = !info->chatTemplate.empty();
  if (options.digestFiles) {
    std::optional<std::string> digest =
        hf ? digestFiles(info->files, path) : digestFile(path);
    if (!digest) {
      error(str->getLoc(), "cannot read the files of " + what +
                               " to compute their digest");
      return;
    }
    src.digest = *digest;
  }
  if (info->missingWeights && options.checkFiles)
    missingFiles.push_back(
        {str->getLoc(), ("model directory '" + str->getValue() +
                         "' has no *.safetensors weights yet; they are "
                         "needed at run time")
                            .str()});
  decl.source = std::move(src);
  if (!tokenizerModel)
    tokenizerModel = &decl;
}

const ModelDecl *Sema::rootModel(const Expr *expr) const {
  for (int guard = 0; expr && guard < 10000; ++guard) {
    auto *name = llvm::dyn_cast<NameExpr>(expr);
    if (!name || !name->getDecl())
      return nullptr;
    if (auto *m = llvm::dyn_cast<ModelDecl>(name->getDecl()))
      return m;
    auto *stage = llvm::dyn_cast<StageDecl>(name->getDecl());
    if (!stage || stage->getCall()->getArgs().empty())
      return nullptr;
    expr = stage->getCall()->getArgs().front().value.get();
  }
  return nullptr;
}

std::string Sema::tokenizerIdentity(const ModelDecl *model) const {
  if (model->source)
    return model->source->tokenizerDigest;
  if (tokenizerModel && tokenizerModel->source)
    return tokenizerModel->source->tokenizerDigest;
  return "pipeline";
}

void Sema::checkDistillTokenizers(StageDecl &decl) {
  const CallExpr &call = *decl.getCall();
  const Arg *teacherArg = call.findArg("teacher");
  const ModelDecl *student = rootModel(call.getArgValue("student"));
  const ModelDecl *teacher = rootModel(teacherArg->value.get());
  if (!student || !teacher || (!student->source && !teacher->source))
    return;
  if (tokenizerIdentity(student) == tokenizerIdentity(teacher))
    return;
  auto diag = error(teacherArg->loc,
                    "the teacher and the student of stage '" + decl.getName() +
                        "' use different tokenizers (models '" +
                        teacher->getName() + "' and '" + student->getName() +
                        "'); distillation compares logits over one "
                        "vocabulary");
  diag.attachNote(teacher->getLoc())
      << "the teacher starts from model '" << teacher->getName() << "'";
  diag.attachNote(student->getLoc())
      << "the student starts from model '" << student->getName() << "'";
}

void Sema::checkSharedTokenizer(Pipeline &pipeline) {
  if (!tokenizerModel)
    return;
  for (const auto &d : pipeline.getDecls()) {
    auto *m = llvm::dyn_cast<ModelDecl>(d.get());
    if (!m || !m->source ||
        m->source->tokenizerDigest == tokenizerModel->source->tokenizerDigest)
      continue;
    error(m->getSourceCall()->getLoc(),
          "model '" + m->getName() + "' brings a different tokenizer than "
              "model '" + tokenizerModel->getName() +
              "'; a pipeline uses one tokenizer")
            .attachNote(tokenizerModel->getLoc())
        << "the pipeline's tokenizer comes with model '"
        << tokenizerModel->getName() << "'";
  }
}

void Sema::checkChatDatasets(Pipeline &pipeline) {
  for (const auto &d : pipeline.getDecls()) {
    auto *ds = llvm::dyn_cast<DatasetDecl>(d.get());
    const Arg *chat = ds ? ds->getSource()->findArg("chat") : nullptr;
    auto *on = chat ? llvm::dyn_cast<BoolExpr>(chat->value.get()) : nullptr;
    if (!on || !on->getValue())
      continue;
    if (!tokenizerModel) {
      error(chat->loc, "dataset '" + ds->getName() +
                           "' renders its prompts with the tokenizer's chat "
                           "template, but the pipeline's tokenizer has none; "
                           "chat = true needs the tokenizer of a pretrained "
                           "model (hf(...) or gguf(...))");
      continue;
    }
    if (!tokenizerModel->source->hasChatTemplate)
      error(chat->loc, "dataset '" + ds->getName() +
                           "' renders its prompts with the tokenizer's chat "
                           "template, but model '" +
                           tokenizerModel->getName() + "' has none")
              .attachNote(tokenizerModel->getLoc())
          << "the pipeline's tokenizer comes with model '"
          << tokenizerModel->getName() << "'";
  }
}
