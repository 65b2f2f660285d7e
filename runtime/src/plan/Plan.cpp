//===- Plan.cpp - Loading and validating plan.json ------------------------===//

#include "r1rt/plan/Plan.h"
#include "r1rt/AtomicFile.h"
#include "r1rt/Error.h"
#include "r1rt/store/ArtifactStore.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;
using nlohmann::json;

namespace r1rt {

namespace {

/// Field access that names the JSON path in its errors.
class Reader {
public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  const json &get(const json &obj, const std::string &path,
                  const std::string &field, json::value_t type) const {
    if (!obj.is_object() || !obj.contains(field))
      fail("{}: missing field '{}{}'; recompile the .r1p with this r1c",
           origin_, path, field);
    const json &v = obj.at(field);
    bool ok =
        v.type() == type ||
        (type == json::value_t::number_integer && v.is_number_unsigned()) ||
        (type == json::value_t::number_float && v.is_number());
    if (!ok)
      fail("{}: field '{}{}' is {}, expected {}", origin_, path, field,
           v.type_name(), json(type).type_name());
    return v;
  }
  std::string str(const json &o, const std::string &p,
                  const std::string &f) const {
    return get(o, p, f, json::value_t::string).get<std::string>();
  }
  const json &obj(const json &o, const std::string &p,
                  const std::string &f) const {
    return get(o, p, f, json::value_t::object);
  }

private:
  std::string origin_;
};

} // namespace

const json &PlanStage::ref(const std::string &role) const {
  static const json null;
  auto it = raw.find("inputs");
  if (it == raw.end() || !it->is_object() || !it->contains(role))
    return null;
  return (*it)[role];
}

int Plan::findStage(const std::string &name) const {
  for (size_t i = 0; i < stages.size(); ++i)
    if (stages[i].name == name)
      return static_cast<int>(i);
  return -1;
}

Plan parsePlan(const std::string &text, const std::string &origin) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded())
    fail("{}: not valid JSON; the bundle is damaged, recompile it with "
         "`r1c compile`",
         origin);
  if (!root.is_object())
    fail("{}: expected a JSON object at the top level", origin);
  Reader rd(origin);
  const json &version =
      rd.get(root, "", "schema_version", json::value_t::number_integer);
  if (version.get<int64_t>() != kPlanSchemaVersion)
    fail("{}: plan schema version {} is not supported by this r1run (it "
         "reads version {}); recompile the .r1p with a matching r1c",
         origin, version.get<int64_t>(), kPlanSchemaVersion);

  Plan plan;
  plan.raw = root;
  plan.pipeline = rd.str(root, "", "pipeline");
  plan.seed =
      rd.get(root, "", "seed", json::value_t::number_integer).get<int64_t>();
  plan.tokenizer = rd.obj(root, "", "tokenizer");
  plan.models = rd.obj(root, "", "models");
  plan.datasets = rd.obj(root, "", "datasets");
  plan.rewards = rd.obj(root, "", "rewards");
  plan.losses = rd.obj(root, "", "losses");
  const json &stages = rd.get(root, "", "stages", json::value_t::array);
  std::set<std::string> seen;
  for (size_t i = 0; i < stages.size(); ++i) {
    std::string path = "stages[" + std::to_string(i) + "].";
    const json &s = stages[i];
    PlanStage st;
    st.name = rd.str(s, path, "name");
    st.kind = rd.str(s, path, "kind");
    st.key = rd.str(s, path, "key");
    st.config = rd.obj(s, path, "config");
    st.raw = s;
    // Inputs map a role to a reference ({"model"|"dataset"|"stage": name})
    // or to an array of references; stage references are the dependencies.
    for (const auto &[role, value] : rd.obj(s, path, "inputs").items()) {
      std::vector<json> refs = value.is_array() ? value.get<std::vector<json>>()
                                                : std::vector<json>{value};
      for (const json &r : refs) {
        std::string where = path + "inputs." + role;
        if (!r.is_object() || r.size() != 1 || !r.begin().value().is_string())
          fail("{}: field '{}' must be a reference like {{\"stage\": "
               "\"name\"}}",
               origin, where);
        std::string refKind = r.begin().key(), name = r.begin().value();
        const json *table = refKind == "model"     ? &plan.models
                            : refKind == "dataset" ? &plan.datasets
                                                   : nullptr;
        if (refKind == "stage") {
          if (!seen.count(name))
            fail("{}: stage '{}' reads '{}', which is not an earlier stage; "
                 "the plan is not in topological order",
                 origin, st.name, name);
          if (std::find(st.inputs.begin(), st.inputs.end(), name) ==
              st.inputs.end())
            st.inputs.push_back(name);
        } else if (!table) {
          fail("{}: field '{}' has unknown reference kind '{}'", origin, where,
               refKind);
        } else if (!table->contains(name)) {
          fail("{}: field '{}' names {} '{}', which the plan does not define",
               origin, where, refKind, name);
        }
      }
    }
    if (!seen.insert(st.name).second)
      fail("{}: stage '{}' appears twice", origin, st.name);
    plan.stages.push_back(std::move(st));
  }
  return plan;
}

void reseedPlan(Plan &plan, int64_t seed) {
  if (seed == plan.seed)
    return;
  plan.seed = seed;
  plan.raw["seed"] = seed;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    PlanStage &st = plan.stages[i];
    st.key = sha1Hex(fmt::format("seed {} {}", seed, st.key)).substr(0, 32);
    st.raw["key"] = st.key;
    plan.raw["stages"][i]["key"] = st.key;
  }
}

Plan loadPlan(const std::string &bundleDir) {
  std::error_code ec;
  if (!fs::exists(bundleDir, ec))
    fail(
        "plan bundle '{}' does not exist; create it with `r1c compile FILE.r1p "
        "-o {}`",
        bundleDir, bundleDir);
  if (!fs::is_directory(bundleDir, ec))
    fail("'{}' is not a plan bundle directory; pass the X.r1plan directory "
         "that `r1c compile` wrote",
         bundleDir);
  std::string file = (fs::path(bundleDir) / "plan.json").string();
  if (!fs::exists(file, ec))
    fail("plan bundle '{}' has no plan.json; recompile it with `r1c compile`",
         bundleDir);
  Plan plan = parsePlan(readFile(file), file);
  plan.bundleDir = bundleDir;
  return plan;
}

} // namespace r1rt
