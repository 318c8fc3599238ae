// GE's offline compilation through the Session: ge.graph_compiler_cache_dir
// and ge.graph_key keep the executable as <dir>/<key>.gfm with <key>.idx and
// <key>.lock; ge.runFlag=0 builds without running; a later session (or
// process) loads the cached executable; stale entries are rebuilt; damaged
// or foreign files are errors naming the file, and are never overwritten.
#include "SessionTestUtil.h"

#include "llvm/Support/FileSystem.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace geflow;

namespace {

class CompileCacheTest : public SessionTest {
protected:
  void SetUp() override {
    SessionTest::SetUp();
    char dir[] = "/tmp/geflow-cache-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    root = dir;
    cacheDir = root + "/cache"; // created by the first build
  }
  void TearDown() override {
    llvm::sys::fs::remove_directories(root);
    SessionTest::TearDown();
  }
  OptionMap cacheOptions(const std::string &key,
                         const std::string &runFlag = "1") {
    return {{"ge.graph_compiler_cache_dir", cacheDir},
            {"ge.graph_key", key},
            {"ge.runFlag", runFlag}};
  }
  std::string file(const std::string &name) const {
    return cacheDir + "/" + name;
  }
  std::string read(const std::string &name) const {
    std::ifstream in(file(name), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string &name, const std::string &bytes) const {
    std::ofstream(file(name), std::ios::binary) << bytes;
  }
  // Builds graphText(n) under `options` in a fresh session; returns whether
  // it came from the cache, after checking its outputs (unless compile only).
  bool build(const std::string &n, const OptionMap &options) {
    auto graph = Graph::fromMLIR(graphText(n), "g");
    EXPECT_TRUE(graph.ok());
    Session session({});
    EXPECT_TRUE(session.AddGraph(1, *graph, options).ok());
    Status st = session.BuildGraph(1);
    EXPECT_TRUE(st.ok()) << st.toString();
    auto cached = session.IsBuiltFromCache(1);
    EXPECT_TRUE(cached.ok());
    auto flag = options.find("ge.runFlag");
    if (flag == options.end() || flag->second != "0") {
      Tensor x = input(std::stoll(n), -1.f);
      std::vector<Tensor> out;
      st = session.RunGraph(1, {x}, out);
      EXPECT_TRUE(st.ok()) << st.toString();
      expectOutputs(x, out);
    }
    return cached.ok() && *cached;
  }
  std::string root, cacheDir;
};

} // namespace

TEST_F(CompileCacheTest, CompileOnlyThenRunFromCache) {
  // The development environment: compile only (ge.runFlag=0).
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  {
    Session session({});
    ASSERT_TRUE(session.AddGraph(1, *graph, cacheOptions("model_a", "0")).ok());
    ASSERT_TRUE(session.BuildGraph(1).ok());
    EXPECT_FALSE(*session.IsBuiltFromCache(1));
    std::vector<Tensor> out;
    Status st = session.RunGraph(1, {input(2, 0.f)}, out);
    EXPECT_NE(st.message().find(
                  "graph 1 was added with ge.runFlag=0 (compile only): it is "
                  "built into " +
                  file("model_a.gfm") + " but not run"),
              std::string::npos)
        << st.toString();
    EXPECT_FALSE(
        session.RunGraphAsync(1, {input(2, 0.f)}, [](Status, auto &) {}).ok());
  }
  for (const char *name : {"model_a.gfm", "model_a.idx", "model_a.lock"})
    EXPECT_TRUE(llvm::sys::fs::exists(file(name))) << name;
  std::string index = read("model_a.idx");
  EXPECT_NE(index.find("\"graph_key\": \"model_a\""), std::string::npos)
      << index;
  EXPECT_NE(index.find("\"model\": \"model_a.gfm\""), std::string::npos)
      << index;

  // The run environment: the same graph and key load the cached executable,
  // which computes the right numbers.
  std::string gfm = read("model_a.gfm");
  EXPECT_TRUE(build("2", cacheOptions("model_a")));
  EXPECT_EQ(read("model_a.gfm"), gfm);
}

TEST_F(CompileCacheTest, ModelFilesAreCachedToo) {
  std::string path = writeTemp(graphText("3"), ".mlir");
  for (bool expectCached : {false, true}) {
    Session session({});
    ASSERT_TRUE(session.AddGraph(4, path, cacheOptions("from_file")).ok());
    ASSERT_TRUE(session.BuildGraph(4).ok());
    EXPECT_EQ(*session.IsBuiltFromCache(4), expectCached);
  }
  std::remove(path.c_str());
}

TEST_F(CompileCacheTest, StaleEntriesAreRebuilt) {
  EXPECT_FALSE(build("2", cacheOptions("k")));
  EXPECT_TRUE(build("2", cacheOptions("k")));
  // Another graph under the same key replaces the entry.
  EXPECT_FALSE(build("3", cacheOptions("k")));
  EXPECT_TRUE(build("3", cacheOptions("k")));
  // So do options that change the executable...
  OptionMap fp16 = cacheOptions("k");
  fp16["precision_mode"] = "force_fp32";
  EXPECT_FALSE(build("3", fp16));
  EXPECT_TRUE(build("3", fp16));
  // ... but not the run flag.
  EXPECT_TRUE(build("3", [&] {
    OptionMap o = fp16;
    o["ge.runFlag"] = "0";
    return o;
  }()));
  // ... and OP_NO_REUSE_MEM, an environment variable the compile reads.
  ::setenv("OP_NO_REUSE_MEM", "Relu", 1);
  bool cachedUnderEnv = build("3", fp16);
  EXPECT_TRUE(build("3", fp16));
  ::unsetenv("OP_NO_REUSE_MEM");
  EXPECT_FALSE(cachedUnderEnv);
  EXPECT_FALSE(build("3", fp16));
  // An indexed executable that went missing is rebuilt.
  std::remove(file("k.gfm").c_str());
  EXPECT_FALSE(build("3", fp16));
}

TEST_F(CompileCacheTest, DefaultValuedAndDeployOptionsKeepTheEntry) {
  // A development machine naming the soc and the logical device (DataFlow's
  // init options) and a target naming neither build the same executable.
  OptionMap dev = cacheOptions("k", "0");
  dev["ge.socVersion"] = "host";
  dev["ge.exec.logicalDeviceClusterDeployMode"] = "SINGLE";
  dev["ge.exec.logicalDeviceId"] = "[0:0]";
  EXPECT_FALSE(build("2", dev));
  EXPECT_TRUE(build("2", cacheOptions("k")));
  // Another soc is another executable.
  OptionMap other = cacheOptions("k");
  other["soc_version"] = "Ascend310P3";
  EXPECT_FALSE(build("2", other));
}

TEST_F(CompileCacheTest, DamagedOrForeignFilesAreErrors) {
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  auto buildStatus = [&](const std::string &key) {
    Session session({});
    EXPECT_TRUE(session.AddGraph(1, *graph, cacheOptions(key)).ok());
    return session.BuildGraph(1);
  };
  ASSERT_TRUE(buildStatus("k").ok());

  // A modified executable.
  std::string gfm = read("k.gfm");
  std::string modified = gfm;
  modified[modified.size() / 2] ^= 0x5a;
  write("k.gfm", modified);
  Status st = buildStatus("k");
  EXPECT_NE(st.message().find("compile cache: index '" + file("k.idx") +
                              "' does not match '" + file("k.gfm") +
                              "' (size or crc32c differ: was it modified?)"),
            std::string::npos)
      << st.toString();
  EXPECT_EQ(read("k.gfm"), modified); // left for the user to look at

  // A broken index.
  write("k.gfm", gfm);
  write("k.idx", "{\"graph_key\": ");
  st = buildStatus("k");
  EXPECT_NE(
      st.message().find("index '" + file("k.idx") + "' is not valid JSON"),
      std::string::npos)
      << st.toString();
  // An index nested deep enough to overflow the JSON parser's stack.
  write("k.idx", std::string(50000, '['));
  st = buildStatus("k");
  EXPECT_NE(st.message().find(
                "index '" + file("k.idx") +
                "' is not valid JSON: brackets nest more than 256 levels"),
            std::string::npos)
      << st.toString();

  // An executable no geflow index claims is never overwritten.
  write("mine.gfm", "the user's own file");
  st = buildStatus("mine");
  EXPECT_NE(
      st.message().find("'" + file("mine.gfm") + "' exists without its index"),
      std::string::npos)
      << st.toString();
  EXPECT_EQ(read("mine.gfm"), "the user's own file");
}

TEST_F(CompileCacheTest, OptionErrors) {
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  Session session({});
  Status st = session.AddGraph(1, *graph, {{"ge.graph_key", "k"}});
  EXPECT_NE(
      st.message().find(
          "graph 1 has ge.graph_key 'k' but no ge.graph_compiler_cache_dir"),
      std::string::npos)
      << st.toString();
  st = session.AddGraph(2, *graph, {{"ge.graph_compiler_cache_dir", cacheDir}});
  EXPECT_NE(st.message().find("but no ge.graph_key"), std::string::npos)
      << st.toString();
  st = session.AddGraph(3, *graph, cacheOptions("../escape"));
  EXPECT_NE(st.message().find("option 'ge.graph_key' has value '../escape'"),
            std::string::npos)
      << st.toString();
  st = session.AddGraph(4, "/tmp/model.gfm", cacheOptions("k"));
  EXPECT_NE(st.message().find("is compiled already"), std::string::npos)
      << st.toString();

  // A session-wide cache directory with a key per graph.
  Session shared({{"ge.graph_compiler_cache_dir", cacheDir}});
  ASSERT_TRUE(shared.AddGraph(1, *graph, {{"ge.graph_key", "one"}}).ok());
  ASSERT_TRUE(shared.BuildGraph(1).ok());
  EXPECT_TRUE(llvm::sys::fs::exists(file("one.gfm")));
}
