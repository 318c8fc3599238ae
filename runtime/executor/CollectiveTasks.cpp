//===- CollectiveTasks.cpp - Collective tasks: load checks and enqueueing -===//
//
// A collective task is checked at load against the installed backend:
// its group must exist with this rank in it, and its byte counts must fit
// the group's size (an AllGather compiled for 2 ranks cannot run on 4). At
// run time the task is a callback that starts the operation and a wait on
// an event the backend reaches when the operation ends: while other ranks
// are late, the stream is parked and holds no AI core.
//
//===----------------------------------------------------------------------===//
#include "Context.h"
#include "Plan.h"

#include "proto/gfm.pb.h"

namespace geflow::rt::exec {

namespace {

uint64_t descBytes(const gfm::TensorDesc &d) {
  return storageBytes(static_cast<DType>(d.dtype()),
                      static_cast<Format>(d.format()),
                      {d.shape().begin(), d.shape().end()});
}

} // namespace

StatusOr<CollectiveLayout> decodeCollective(const gfm::Task &task,
                                            uint32_t firstPointer) {
  const gfm::CollectiveTask &c = task.collective();
  std::string what =
      c.kind() + " '" + task.name() + "' on group '" + c.group() + "'";
  auto bad = [&](ErrorCode code, const std::string &why) {
    return Status(code, what + ": " + why);
  };
  std::optional<CollectiveKind> kind = parseCollectiveKind(c.kind());
  if (!kind)
    return bad(ErrorCode::kCorruptFile, "unknown collective kind");
  CollectiveLayout layout;
  layout.backend = collectiveBackend();
  CollectiveRequest &r = layout.request;
  r.kind = *kind;
  r.op = task.name();
  r.group = c.group();
  r.tag = c.sr_tag();
  layout.firstPointer = firstPointer;
  layout.numInputs = static_cast<uint32_t>(c.inputs_size());
  layout.numOutputs = static_cast<uint32_t>(c.outputs_size());

  size_t ins = c.inputs_size(), outs = c.outputs_size();
  bool counts = false;
  switch (*kind) {
  case CollectiveKind::AllReduce:
  case CollectiveKind::AllGather:
  case CollectiveKind::ReduceScatter:
    counts = ins == 1 && outs == 1;
    break;
  case CollectiveKind::Broadcast:
    counts = ins >= 1 && ins == outs;
    break;
  case CollectiveKind::Send:
    counts = ins == 1 && outs == 0;
    break;
  case CollectiveKind::Receive:
    counts = ins == 0 && outs == 1;
    break;
  }
  if (!counts)
    return bad(ErrorCode::kCorruptFile, std::to_string(ins) + " inputs and " +
                                            std::to_string(outs) +
                                            " outputs do not fit the op");
  const gfm::TensorDesc &first = ins > 0 ? c.input_descs(0) : c.output_descs(0);
  r.dtype = static_cast<DType>(first.dtype());
  for (size_t i = 0; i < ins; ++i) {
    r.inputBytes.push_back(descBytes(c.input_descs(i)));
    if (c.inputs(i).size() < r.inputBytes.back())
      return bad(ErrorCode::kCorruptFile, "input buffer too small");
  }
  for (size_t i = 0; i < outs; ++i) {
    r.outputBytes.push_back(descBytes(c.output_descs(i)));
    if (c.outputs(i).size() < r.outputBytes.back())
      return bad(ErrorCode::kCorruptFile, "output buffer too small");
  }
  if (*kind == CollectiveKind::AllReduce ||
      *kind == CollectiveKind::ReduceScatter) {
    std::optional<ReduceOp> op = parseReduceOp(c.reduction());
    if (!op)
      return bad(ErrorCode::kCorruptFile,
                 "unknown reduction '" + c.reduction() + "'");
    if (r.dtype == DType::Bool)
      return bad(ErrorCode::kUnsupported, "cannot reduce booleans");
    r.reduction = *op;
  }

  StatusOr<GroupInfo> group = layout.backend->group(c.group());
  if (!group.ok())
    return bad(group.status().code(), group.status().message());
  const int64_t size = group->size();
  auto checkPeer = [&](int64_t peer, const char *name) -> Status {
    if (peer < 0 || peer >= size)
      return bad(ErrorCode::kInvalidArgument,
                 std::string(name) + " " + std::to_string(peer) +
                     " is not a rank of the group (" + std::to_string(size) +
                     " ranks)");
    if (*kind != CollectiveKind::Broadcast && peer == group->rank)
      return bad(ErrorCode::kInvalidArgument, std::string(name) + " " +
                                                  std::to_string(peer) +
                                                  " is this rank");
    r.peer = static_cast<int32_t>(peer);
    return Status::OK();
  };
  auto checkRankSize = [&]() -> Status {
    if (c.rank_size() != size)
      return bad(ErrorCode::kInvalidArgument,
                 "compiled for rank_size " + std::to_string(c.rank_size()) +
                     " but the group has " + std::to_string(size) + " ranks");
    return Status::OK();
  };
  auto sizesMatch = [&](uint64_t in, uint64_t out) -> Status {
    if (in != out)
      return bad(ErrorCode::kCorruptFile,
                 std::to_string(in) + " input bytes do not give " +
                     std::to_string(out) + " output bytes");
    return Status::OK();
  };
  switch (*kind) {
  case CollectiveKind::AllReduce:
    GEFLOW_RETURN_IF_ERROR(sizesMatch(r.inputBytes[0], r.outputBytes[0]));
    break;
  case CollectiveKind::AllGather:
    GEFLOW_RETURN_IF_ERROR(checkRankSize());
    GEFLOW_RETURN_IF_ERROR(
        sizesMatch(r.inputBytes[0] * size, r.outputBytes[0]));
    break;
  case CollectiveKind::ReduceScatter:
    GEFLOW_RETURN_IF_ERROR(checkRankSize());
    GEFLOW_RETURN_IF_ERROR(
        sizesMatch(r.inputBytes[0], r.outputBytes[0] * size));
    break;
  case CollectiveKind::Broadcast:
    GEFLOW_RETURN_IF_ERROR(checkPeer(c.root_rank(), "root_rank"));
    for (size_t i = 0; i < ins; ++i)
      GEFLOW_RETURN_IF_ERROR(sizesMatch(r.inputBytes[i], r.outputBytes[i]));
    break;
  case CollectiveKind::Send:
    GEFLOW_RETURN_IF_ERROR(checkPeer(c.peer_rank(), "dest_rank"));
    break;
  case CollectiveKind::Receive:
    GEFLOW_RETURN_IF_ERROR(checkPeer(c.peer_rank(), "src_rank"));
    break;
  }
  return layout;
}

Status enqueueCollective(const GearPlan &plan, const Step &step, Stream &stream,
                         ExecContext &ctx, GearState &gear) {
  const CollectiveLayout *layout = &plan.collectives[step.index];
  void *const *pointers = gear.pointers.data() + layout->firstPointer;
  return enqueueHostWork(
      stream, step.label, ctx.collectiveDone[step.index],
      [layout, pointers](std::function<void(Status)> finish) {
        auto request = std::make_shared<CollectiveRequest>(layout->request);
        for (uint32_t i = 0; i < layout->numInputs; ++i)
          request->inputs.push_back(pointers[i]);
        for (uint32_t i = 0; i < layout->numOutputs; ++i)
          request->outputs.push_back(pointers[layout->numInputs + i]);
        layout->backend->start(std::move(request), std::move(finish));
      });
}

} // namespace geflow::rt::exec
