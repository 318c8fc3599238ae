// The run-time debug options given to a Session: profiling_mode /
// profiling_options, enable_dump / dump_*, enable_dump_debug, as session or
// graph options, record the session's runs as geflow-run and the Python
// Executable do (one DebugAttachment behind all three).
#include "SessionTestUtil.h"

#include "geflow/runtime/Npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace geflow;
namespace fs = std::filesystem;

namespace {

fs::path freshDir(const std::string &name) {
  fs::path dir = fs::temp_directory_path() / ("geflow-session-debug-" + name +
                                              "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::vector<std::string> lines(const fs::path &path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

/// The one {data_index} parent a dump made: {path}/{time}/0/{model}/1.
fs::path modelDumpDir(const fs::path &root) {
  std::vector<fs::path> found;
  for (const auto &e : fs::recursive_directory_iterator(root))
    if (e.is_directory() && e.path().filename() == "1" &&
        e.path().parent_path().parent_path().filename() == "0")
      found.push_back(e.path());
  EXPECT_EQ(found.size(), 1u) << root;
  return found.empty() ? fs::path() : found[0];
}

} // namespace

TEST_F(SessionTest, SessionProfilingOptionsProfileEveryGraphRun) {
  fs::path dir = freshDir("prof");
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  size_t tasks = 0;
  {
    Session session({{"profiling_mode", "true"},
                     {"profiling_options", "{\"output\": \"" + dir.string() +
                                               "\", \"task_trace\": \"on\"}"}});
    ASSERT_TRUE(session.status().ok()) << session.status().toString();
    ASSERT_TRUE(session.AddGraph(1, *graph).ok());
    for (int k = 0; k < 3; ++k) {
      Tensor x = input(2, float(k));
      std::vector<Tensor> out;
      ASSERT_TRUE(session.RunGraph(1, {x}, out).ok());
      expectOutputs(x, out); // profiling leaves results alone
    }
    auto profiler = session.GetProfiler(1);
    ASSERT_TRUE(profiler.ok());
    ASSERT_TRUE(*profiler);
    ASSERT_EQ((*profiler)->runs().size(), 3u);
    tasks = (*profiler)->runs()[0]->tasks->size();
    ASSERT_GT(tasks, 0u);
    EXPECT_FALSE(fs::exists(dir)) << "written when the session ends";
  }
  // The session wrote what geflow-run writes.
  ASSERT_TRUE(fs::exists(dir / "trace.json"));
  ASSERT_TRUE(fs::exists(dir / "op_statistic.csv"));
  std::vector<std::string> summary = lines(dir / "op_summary.csv");
  ASSERT_FALSE(summary.empty());
  EXPECT_EQ(summary[0].rfind("Model Name,Run,Task ID,Op Name,OP Type", 0), 0u);
  EXPECT_EQ(summary.size(), 1 + 3 * tasks);
  std::ifstream trace(dir / "trace.json");
  std::stringstream text;
  text << trace.rdbuf();
  EXPECT_NE(text.str().find("\"name\":\"synchronize\""), std::string::npos);
  fs::remove_all(dir);
}

TEST_F(SessionTest, GraphOwnProfileBesideTheSessionsGoesToASubdirectory) {
  // Graph 2's own run-time options (a dump) give it its own profiler, with
  // the session's profiling_options: it must not overwrite the session's
  // profile of graph 1 in the same directory.
  fs::path dir = freshDir("prof-two"), dumpDir = freshDir("prof-two-dump");
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  size_t tasks = 0;
  {
    Session session(
        {{"profiling_mode", "true"},
         {"profiling_options", "{\"output\": \"" + dir.string() + "\"}"}});
    ASSERT_TRUE(session.AddGraph(1, *graph).ok());
    ASSERT_TRUE(session
                    .AddGraph(2, *graph,
                              {{"enable_dump", "true"},
                               {"dump_path", dumpDir.string()},
                               {"dump_mode", "output"}})
                    .ok());
    std::vector<Tensor> out;
    ASSERT_TRUE(session.RunGraph(1, {input(2, 1.f)}, out).ok());
    for (int k = 0; k < 2; ++k)
      ASSERT_TRUE(session.RunGraph(2, {input(2, 1.f)}, out).ok());
    auto own = session.GetProfiler(2);
    ASSERT_TRUE(own.ok() && *own);
    EXPECT_EQ((*own)->options().output, (dir / "graph_2").string());
    tasks = (*own)->runs()[0]->tasks->size();
  }
  EXPECT_EQ(lines(dir / "op_summary.csv").size(), 1 + tasks);
  EXPECT_EQ(lines(dir / "graph_2" / "op_summary.csv").size(), 1 + 2 * tasks);
  fs::remove_all(dir);
  fs::remove_all(dumpDir);
}

TEST_F(SessionTest, GraphDumpOptionsDumpThatGraphOnly) {
  fs::path dir = freshDir("dump");
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  Session session({});
  ASSERT_TRUE(session
                  .AddGraph(1, *graph,
                            {{"enable_dump", "true"},
                             {"dump_path", dir.string()},
                             {"dump_step", "1"},
                             {"dump_mode", "all"}})
                  .ok());
  ASSERT_TRUE(session.AddGraph(2, *graph).ok());
  std::vector<Tensor> lastOut;
  Tensor lastX = input(2, 0.f);
  for (int k = 0; k < 3; ++k) {
    Tensor x = input(2, float(k) - 1.f);
    std::vector<Tensor> out, plain;
    ASSERT_TRUE(session.RunGraph(1, {x}, out).ok());
    ASSERT_TRUE(session.RunGraph(2, {x}, plain).ok());
    for (size_t i = 0; i < out.size(); ++i)
      EXPECT_EQ(std::memcmp(out[i].data(), plain[i].data(), out[i].size()), 0)
          << "dumping changed output " << i;
    if (k == 1) {
      lastOut = out;
      lastX = x;
    }
  }
  auto dumper = session.GetDumper(1);
  ASSERT_TRUE(dumper.ok() && *dumper);
  auto none = session.GetDumper(2);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none) << "graph 2 has no dump options";
  fs::path base = modelDumpDir(dir);
  ASSERT_FALSE(base.empty());
  // dump_step 1: only the second run.
  std::vector<std::string> steps;
  for (const auto &e : fs::directory_iterator(base))
    steps.push_back(e.path().filename().string());
  EXPECT_EQ(steps, std::vector<std::string>{"1"});
  fs::path step = base / "1";
  EXPECT_TRUE(fs::exists(step / "mapping.csv"));
  // The graph's input x is some task's input 0, dumped as it was.
  bool sawInput = false, sawY = false;
  for (const auto &e : fs::directory_iterator(step)) {
    std::string name = e.path().filename().string();
    if (name.size() < 4 || name.substr(name.size() - 4) != ".npy")
      continue;
    auto array = rt::readNpy(e.path().string());
    ASSERT_TRUE(array.ok()) << array.status().toString();
    if (array->data.size() != lastX.size())
      continue;
    if (name.find(".input.0.npy") != std::string::npos &&
        std::memcmp(array->data.data(), lastX.data(), lastX.size()) == 0)
      sawInput = true;
    if (name.find(".output.0.npy") != std::string::npos &&
        std::memcmp(array->data.data(), lastOut[0].data(), lastOut[0].size()) ==
            0)
      sawY = true;
  }
  EXPECT_TRUE(sawInput);
  EXPECT_TRUE(sawY) << "the task computing y dumped y";
  EXPECT_GT((*dumper)->filesWritten(), 0u);
  fs::remove_all(dir);
}

TEST_F(SessionTest, OverflowDetectionFromSessionOptions) {
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  Session session(
      {{"enable_dump_debug", "true"}, {"dump_debug_mode", "aicore_overflow"}});
  ASSERT_TRUE(session.status().ok()) << session.status().toString();
  ASSERT_TRUE(session.AddGraph(1, *graph).ok());
  Tensor x = input(2, 1.f);
  x.as<float>()[0] = 3e38f; // x * 2 overflows f32 in the Mul
  std::vector<Tensor> out;
  ASSERT_TRUE(session.RunGraph(1, {x}, out).ok());
  auto dumper = session.GetDumper(1);
  ASSERT_TRUE(dumper.ok() && *dumper);
  rt::OverflowRecord first;
  ASSERT_TRUE((*dumper)->firstOverflow(&first));
  EXPECT_EQ(first.step, 0u);
  EXPECT_GT(first.infCount, 0u);
  EXPECT_NE(
      std::find(first.coveredOps.begin(), first.coveredOps.end(), first.opName),
      first.coveredOps.end());
}

TEST_F(SessionTest, BadDebugOptionsAreErrorsNamingThem) {
  Session bad({{"profiling_mode", "true"},
               {"profiling_options", "{\"outptu\": \"d\"}"}});
  EXPECT_NE(bad.status().message().find(
                "option 'profiling_options' has value '{\"outptu\": \"d\"}': "
                "unknown key 'outptu'"),
            std::string::npos)
      << bad.status().toString();
  Session session({});
  auto graph = Graph::fromMLIR(graphText("2"), "g");
  ASSERT_TRUE(graph.ok());
  Status st = session.AddGraph(3, *graph, {{"enable_dump", "true"}});
  EXPECT_NE(st.message().find("graph 3: option 'enable_dump' needs dump_path"),
            std::string::npos)
      << st.toString();
  st = session.AddGraph(
      4, *graph,
      {{"enable_dump_debug", "true"}, {"dump_debug_mode", "overflow"}});
  EXPECT_NE(st.message().find("option 'dump_debug_mode' has value 'overflow'"),
            std::string::npos)
      << st.toString();
  auto missing = session.GetProfiler(9);
  EXPECT_FALSE(missing.ok());
}
