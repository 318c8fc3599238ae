//===- OpBank.cpp - The tuned op bank (aoe_mode's knowledge file) ---------===//
#include "OpBank.h"

#include "geflow/Support/InputLimits.h"
#include "geflow/kernels/Registry.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <tuple>

namespace geflow::conversion {

namespace k = geflow::kernels;

namespace {

constexpr const char *kFormat = "geflow-op-bank";
constexpr int64_t kVersion = 1;

std::string descText(const k::TensorDesc &d) {
  std::string s(rt::dtypeShortName(d.dtype));
  s += "[";
  for (size_t i = 0; i < d.shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(d.shape[i]);
  s += "]" + std::string(rt::formatName(d.format));
  return d.isConst ? s + ":const" : s;
}

std::string attrText(const k::AttrValue &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  auto list = [&](const auto &values) {
    os << "[";
    for (size_t i = 0; i < values.size(); ++i)
      os << (i ? "," : "") << values[i];
    os << "]";
  };
  std::visit(
      [&](const auto &x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, int64_t>)
          os << x;
        else if constexpr (std::is_same_v<T, double>)
          os << llvm::format("%.17g", x);
        else if constexpr (std::is_same_v<T, std::string>)
          os << '"' << x << '"';
        else if constexpr (std::is_same_v<T, std::vector<double>>) {
          os << "[";
          for (size_t i = 0; i < x.size(); ++i)
            os << (i ? "," : "") << llvm::format("%.17g", x[i]);
          os << "]";
        } else
          list(x);
      },
      v);
  return s;
}

} // namespace

OpBankKey OpBankKey::of(const std::string &soc, const k::SocInfo &info,
                        const std::string &kernel,
                        const k::TilingContext &ctx) {
  OpBankKey key;
  key.soc = soc;
  key.isa = k::isaName(info.isa);
  key.cores = info.aiCoreCount;
  key.kernel = kernel;
  const std::vector<k::TensorDesc> &first =
      ctx.inputs.empty() ? ctx.outputs : ctx.inputs;
  key.dtype = first.empty() ? "" : std::string(rt::dtypeName(first[0].dtype));
  for (const k::TensorDesc &d : ctx.inputs)
    key.tensors += (key.tensors.empty() ? "" : " ") + descText(d);
  key.tensors += " ->";
  for (const k::TensorDesc &d : ctx.outputs)
    key.tensors += " " + descText(d);
  for (const auto &[name, value] : ctx.attrs.all())
    if (name != k::kTilingHintAttr)
      key.attrs +=
          (key.attrs.empty() ? "" : ";") + name + "=" + attrText(value);
  return key;
}

bool OpBankKey::operator<(const OpBankKey &o) const {
  return std::tie(soc, isa, cores, kernel, dtype, tensors, attrs) <
         std::tie(o.soc, o.isa, o.cores, o.kernel, o.dtype, o.tensors, o.attrs);
}

std::string OpBank::fileIn(const std::string &dir) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "geflow_op_bank.json");
  return path.str().str();
}

const OpBankEntry *OpBank::find(const OpBankKey &key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void OpBank::set(const OpBankKey &key, OpBankEntry entry) {
  entries_[key] = entry;
}

std::string OpBank::load(const std::string &file) {
  entries_.clear();
  auto fail = [&](const std::string &why) {
    return "op bank '" + file + "': " + why;
  };
  if (!llvm::sys::fs::exists(file))
    return "";
  std::string error;
  std::optional<llvm::json::Value> json = readJsonFile(file, error);
  if (!json)
    return fail(error);
  const llvm::json::Object *root = json->getAsObject();
  if (!root || root->getString("format") != kFormat)
    return fail(std::string("not an op bank: expected an object with "
                            "\"format\": \"") +
                kFormat + "\"");
  if (root->getInteger("version") != kVersion)
    return fail("version " +
                (root->get("version")
                     ? llvm::formatv("{0}", *root->get("version")).str()
                     : std::string("(missing)")) +
                " is not the one geflow reads (" + std::to_string(kVersion) +
                "): tune again with aoe_mode=2 into an empty op_bank_path");
  const llvm::json::Array *entries = root->getArray("entries");
  if (!entries)
    return fail("\"entries\" must be a list");
  const k::KernelRegistry &registry = k::KernelRegistry::global();
  for (size_t i = 0; i < entries->size(); ++i) {
    auto bad = [&](const std::string &why) {
      return fail("entry " + std::to_string(i) + ": " + why);
    };
    const llvm::json::Object *e = (*entries)[i].getAsObject();
    if (!e)
      return bad("must be an object");
    OpBankKey key;
    for (auto [name, field] :
         {std::pair<const char *, std::string *>{"soc", &key.soc},
          {"isa", &key.isa},
          {"kernel", &key.kernel},
          {"dtype", &key.dtype},
          {"tensors", &key.tensors},
          {"attrs", &key.attrs}}) {
      std::optional<llvm::StringRef> v = e->getString(name);
      if (!v)
        return bad(std::string("\"") + name + "\" must be a string");
      *field = v->str();
    }
    std::optional<int64_t> cores = e->getInteger("cores");
    if (!cores || *cores < 1 || *cores > 4096)
      return bad("\"cores\" must be an integer in [1, 4096]");
    key.cores = *cores;
    const k::KernelDef *def = registry.find(key.kernel);
    if (!def || !def->tuneCandidates)
      return bad("kernel '" + key.kernel +
                 "' is not a tunable kernel of this geflow");
    const llvm::json::Array *tiling = e->getArray("tiling");
    if (!tiling)
      return bad("\"tiling\" must be a list of 6 integers (kc, mc, nc, "
                 "blocks, variant, rows)");
    std::vector<int64_t> ints;
    for (const llvm::json::Value &v : *tiling) {
      std::optional<int64_t> n = v.getAsInteger();
      if (!n)
        return bad("\"tiling\" must be a list of 6 integers (kc, mc, nc, "
                   "blocks, variant, rows)");
      ints.push_back(*n);
    }
    OpBankEntry entry;
    entry.index = int64_t(i);
    if (rt::Status st = k::tilingHintFromInts(ints, &entry.hint); !st.ok())
      return bad("\"tiling\": " + st.message());
    for (auto [name, field] :
         {std::pair<const char *, double *>{"tuned_us", &entry.tunedUs},
          {"default_us", &entry.defaultUs}}) {
      if (!e->get(name))
        continue;
      std::optional<double> v = e->getNumber(name);
      if (!v || !(*v >= 0))
        return bad(std::string("\"") + name +
                   "\" must be a non-negative number");
      *field = *v;
    }
    if (const OpBankEntry *seen = find(key))
      return bad("repeats the kernel shape of entry " +
                 std::to_string(seen->index));
    entries_[key] = entry;
  }
  return "";
}

std::string OpBank::save(const std::string &file) const {
  llvm::StringRef dir = llvm::sys::path::parent_path(file);
  if (!dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return "op bank '" + file +
             "': cannot create its directory: " + ec.message();
  llvm::json::Array list;
  for (const auto &[key, entry] : entries_) {
    llvm::json::Array tiling;
    for (int64_t v : entry.hint.toInts())
      tiling.push_back(v);
    list.push_back(llvm::json::Object{{"soc", key.soc},
                                      {"isa", key.isa},
                                      {"cores", key.cores},
                                      {"kernel", key.kernel},
                                      {"dtype", key.dtype},
                                      {"tensors", key.tensors},
                                      {"attrs", key.attrs},
                                      {"tiling", std::move(tiling)},
                                      {"hint", entry.hint.str()},
                                      {"tuned_us", entry.tunedUs},
                                      {"default_us", entry.defaultUs}});
  }
  llvm::json::Value root = llvm::json::Object{
      {"format", kFormat}, {"version", kVersion}, {"entries", std::move(list)}};
  std::string tmp = file + ".tmp." + std::to_string(::getpid());
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(tmp, ec);
    if (ec)
      return "op bank '" + file + "': cannot write: " + ec.message();
    os << llvm::formatv("{0:2}", root) << "\n";
    os.close();
    if (os.has_error()) {
      llvm::sys::fs::remove(tmp);
      return "op bank '" + file + "': cannot write: " + os.error().message();
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, file)) {
    llvm::sys::fs::remove(tmp);
    return "op bank '" + file + "': cannot write: " + ec.message();
  }
  return "";
}

} // namespace geflow::conversion
