//===- Distributed.cpp - Ranks and groups for geflow.distributed ----------===//
#include "Errors.h"

#include "geflow/Compiler/Distributed.h"
#include "geflow/Compiler/Options.h"

#include <pybind11/stl.h>

#include <optional>

namespace geflow::python {

namespace {

py::dict toDict(const rt::RankInfo &info) {
  py::dict d;
  d["rank"] = info.rank;
  d["size"] = info.size;
  d["local_rank"] = info.localRank;
  d["local_size"] = info.localSize;
  d["backend"] = info.backend;
  return d;
}

} // namespace

void bindDistributed(py::module_ &m) {
  m.def(
      "_init_distributed",
      [](const std::map<std::string, std::string> &raw) {
        std::string error;
        auto options = OptionsRegistry::get().parse(raw, &error);
        if (!options)
          throw StatusError(rt::invalidArgument(error));
        std::optional<rt::StatusOr<rt::RankInfo>> info;
        {
          // MPI_Init may wait for the other ranks.
          py::gil_scoped_release release;
          info.emplace(setUpRanks(*options));
        }
        return toDict(unwrap(std::move(*info)));
      },
      py::arg("options"));
  m.def("_rank_info",
        [] { return toDict(rt::collectiveBackend()->rankInfo()); });
  m.def(
      "_create_group",
      [](const std::string &name, const std::vector<int32_t> &ranks) {
        std::shared_ptr<rt::CollectiveBackend> backend =
            rt::collectiveBackend();
        py::gil_scoped_release release;
        check(backend->createGroup(name, ranks));
      },
      py::arg("name"), py::arg("ranks"));
  m.def(
      "_group_ranks",
      [](const std::string &name) {
        return unwrap(rt::collectiveBackend()->group(name)).ranks;
      },
      py::arg("name"));
  m.def("_mpi_built", &rt::mpiCollectivesBuilt);
}

} // namespace geflow::python
