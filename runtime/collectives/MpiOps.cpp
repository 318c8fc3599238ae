//===- MpiOps.cpp - Posting collectives as non-blocking MPI calls ---------===//
//
// Reductions run on MPI's own types; f16 and bf16 (which MPI lacks) are
// staged as f32, reduced, and rounded once at the end, so a sum over any
// number of ranks is the f32 sum rounded to the dtype. Gathers, broadcasts
// and point-to-point transfers move bytes.
//
//===----------------------------------------------------------------------===//
#include "MpiEngine.h"

#include "geflow/runtime/Half.h"

#include <climits>
#include <cstring>

namespace geflow::rt::mpi {

namespace {

/// The MPI type of a dtype reduced natively, or MPI_DATATYPE_NULL for the
/// staged half types.
MPI_Datatype mpiType(DType t) {
  switch (t) {
  case DType::F32:
    return MPI_FLOAT;
  case DType::I8:
    return MPI_INT8_T;
  case DType::U8:
  case DType::Bool:
    return MPI_UINT8_T;
  case DType::I32:
    return MPI_INT32_T;
  case DType::I64:
    return MPI_INT64_T;
  case DType::F64:
    return MPI_DOUBLE;
  case DType::I16:
    return MPI_INT16_T;
  case DType::U16:
    return MPI_UINT16_T;
  case DType::U32:
    return MPI_UINT32_T;
  case DType::U64:
    return MPI_UINT64_T;
  case DType::F16:
  case DType::BF16:
  case DType::String: // pointers: meaningless on another rank
    return MPI_DATATYPE_NULL;
  }
  return MPI_DATATYPE_NULL;
}

MPI_Op mpiOp(ReduceOp op) {
  switch (op) {
  case ReduceOp::Sum:
    return MPI_SUM;
  case ReduceOp::Prod:
    return MPI_PROD;
  case ReduceOp::Max:
    return MPI_MAX;
  case ReduceOp::Min:
    return MPI_MIN;
  }
  return MPI_SUM;
}

void toF32(DType t, const void *src, size_t n, float *dst) {
  auto *h = static_cast<const uint16_t *>(src);
  for (size_t i = 0; i < n; ++i)
    dst[i] = t == DType::F16 ? halfToFloat(h[i]) : bf16ToFloat(h[i]);
}

void fromF32(DType t, const float *src, size_t n, void *dst) {
  auto *h = static_cast<uint16_t *>(dst);
  for (size_t i = 0; i < n; ++i)
    h[i] = t == DType::F16 ? floatToHalf(src[i]) : floatToBf16(src[i]);
}

std::string describe(const CollectiveRequest &r, const Group *g) {
  std::string text = std::string(collectiveKindName(r.kind)) + " '" + r.op +
                     "' on group '" + r.group + "'";
  if (g)
    text += " (rank " + std::to_string(g->info.rank) + " of " +
            std::to_string(g->info.size()) + ")";
  return text;
}

} // namespace

Status Engine::post(InFlight &op) {
  const CollectiveRequest &r = *op.request;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(r.group);
    op.group = it == groups_.end() ? nullptr : it->second.get();
  }
  if (!op.group || op.group->comm == MPI_COMM_NULL)
    return invalidArgument(describe(r, nullptr) +
                           ": this rank is not in the group");
  Group &g = *op.group;
  if (!g.broken.empty())
    return Status(
        ErrorCode::kTaskFailed,
        describe(r, &g) +
            ": the group is unusable after an earlier failure: " + g.broken);
  int64_t timeout = collectiveTimeout();
  if (timeout > 0)
    op.deadline = Clock::now() + std::chrono::seconds(timeout);
  for (uint64_t b : r.inputBytes)
    if (b > static_cast<uint64_t>(INT_MAX))
      return invalidArgument(describe(r, &g) + ": " + std::to_string(b) +
                             " bytes exceed MPI's count limit");

  const size_t elem = dtypeSize(r.dtype);
  MPI_Datatype type = mpiType(r.dtype);
  const bool staged = type == MPI_DATATYPE_NULL;
  auto add = [&](int rc) -> Status {
    if (rc != MPI_SUCCESS)
      return Status(ErrorCode::kInternal,
                    describe(r, &g) + ": MPI: " + mpiError(rc));
    return Status::OK();
  };
  op.ops.reserve(r.inputs.size() + 1);
  switch (r.kind) {
  case CollectiveKind::AllReduce:
  case CollectiveKind::ReduceScatter: {
    const size_t n = r.inputBytes[0] / elem;
    const size_t outN = r.outputBytes[0] / elem;
    const void *in = r.inputs[0];
    void *out = r.outputs[0];
    if (staged) {
      op.stagedIn.resize(n);
      op.stagedOut.resize(outN);
      toF32(r.dtype, in, n, op.stagedIn.data());
      in = op.stagedIn.data();
      out = op.stagedOut.data();
      type = MPI_FLOAT;
    }
    op.ops.emplace_back();
    if (r.kind == CollectiveKind::AllReduce)
      GEFLOW_RETURN_IF_ERROR(add(MPI_Iallreduce(
          in == out ? MPI_IN_PLACE : in, out, static_cast<int>(n), type,
          mpiOp(r.reduction), g.comm, &op.ops.back())));
    else
      GEFLOW_RETURN_IF_ERROR(add(MPI_Ireduce_scatter_block(
          in, out, static_cast<int>(outN), type, mpiOp(r.reduction), g.comm,
          &op.ops.back())));
    break;
  }
  case CollectiveKind::AllGather:
    op.ops.emplace_back();
    GEFLOW_RETURN_IF_ERROR(add(MPI_Iallgather(
        r.inputs[0], static_cast<int>(r.inputBytes[0]), MPI_BYTE, r.outputs[0],
        static_cast<int>(r.inputBytes[0]), MPI_BYTE, g.comm, &op.ops.back())));
    break;
  case CollectiveKind::Broadcast:
    for (size_t i = 0; i < r.inputs.size(); ++i) {
      if (g.info.rank == r.peer && r.outputs[i] != r.inputs[i])
        std::memcpy(r.outputs[i], r.inputs[i], r.inputBytes[i]);
      op.ops.emplace_back();
      GEFLOW_RETURN_IF_ERROR(
          add(MPI_Ibcast(r.outputs[i], static_cast<int>(r.outputBytes[i]),
                         MPI_BYTE, r.peer, g.comm, &op.ops.back())));
    }
    break;
  case CollectiveKind::Send:
  case CollectiveKind::Receive: {
    int tagLimit = 32767, *ub = nullptr, flag = 0;
    MPI_Comm_get_attr(g.comm, MPI_TAG_UB, &ub, &flag);
    if (flag && ub)
      tagLimit = *ub;
    if (r.tag < 0 || r.tag > tagLimit)
      return invalidArgument(describe(r, &g) + ": sr_tag " +
                             std::to_string(r.tag) + " is outside 0.." +
                             std::to_string(tagLimit));
    op.ops.emplace_back();
    // A synchronous send completes only once the receive has started, so
    // a receiver that never comes is a timeout on the sender too.
    if (r.kind == CollectiveKind::Send)
      GEFLOW_RETURN_IF_ERROR(add(
          MPI_Issend(r.inputs[0], static_cast<int>(r.inputBytes[0]), MPI_BYTE,
                     r.peer, static_cast<int>(r.tag), g.comm, &op.ops.back())));
    else
      GEFLOW_RETURN_IF_ERROR(add(
          MPI_Irecv(r.outputs[0], static_cast<int>(r.outputBytes[0]), MPI_BYTE,
                    r.peer, static_cast<int>(r.tag), g.comm, &op.ops.back())));
    return Status::OK(); // the peer is the only rank it waits for
  }
  }
  postArrivals(op);
  return Status::OK();
}

void Engine::postArrivals(InFlight &op) {
  Group &g = *op.group;
  op.seq = g.seq++;
  op.ownSeq = std::make_unique<uint64_t>(op.seq);
  const int tag = static_cast<int>(op.seq % 32768);
  const int size = g.info.size();
  op.arrivalSeqs.assign(size, 0);
  for (int peer = 0; peer < size; ++peer) {
    if (peer == g.info.rank)
      continue;
    op.arrivalFrom.push_back(peer);
    op.arrivalRecvs.emplace_back();
    MPI_Irecv(&op.arrivalSeqs[peer], 1, MPI_UINT64_T, peer, tag, g.arrivals,
              &op.arrivalRecvs.back());
    op.arrivalSends.emplace_back();
    MPI_Isend(op.ownSeq.get(), 1, MPI_UINT64_T, peer, tag, g.arrivals,
              &op.arrivalSends.back());
  }
}

std::string Engine::missingRanks(InFlight &op) {
  const CollectiveRequest &r = *op.request;
  if (r.kind == CollectiveKind::Send || r.kind == CollectiveKind::Receive)
    return std::to_string(r.peer);
  std::string out;
  for (size_t i = 0; i < op.arrivalRecvs.size(); ++i) {
    int flag = 1;
    if (op.arrivalRecvs[i] != MPI_REQUEST_NULL)
      MPI_Test(&op.arrivalRecvs[i], &flag, MPI_STATUS_IGNORE);
    if (!flag) {
      out += (out.empty() ? "" : ",") + std::to_string(op.arrivalFrom[i]);
      MPI_Cancel(&op.arrivalRecvs[i]);
      MPI_Request_free(&op.arrivalRecvs[i]);
    }
  }
  return out;
}

bool Engine::progress(InFlight &op, Clock::time_point now) {
  const CollectiveRequest &r = *op.request;
  Group &g = *op.group;
  int opsDone = 0, arrivalsDone = 1, sendsDone = 1;
  std::vector<MPI_Status> statuses(op.ops.size());
  int rc = MPI_Testall(static_cast<int>(op.ops.size()), op.ops.data(), &opsDone,
                       statuses.data());
  if (rc == MPI_SUCCESS && !op.arrivalRecvs.empty())
    rc =
        MPI_Testall(static_cast<int>(op.arrivalRecvs.size()),
                    op.arrivalRecvs.data(), &arrivalsDone, MPI_STATUSES_IGNORE);
  if (rc == MPI_SUCCESS && !op.arrivalSends.empty())
    rc = MPI_Testall(static_cast<int>(op.arrivalSends.size()),
                     op.arrivalSends.data(), &sendsDone, MPI_STATUSES_IGNORE);
  Status failure;
  if (rc != MPI_SUCCESS) {
    std::string why = mpiError(rc);
    if (r.kind == CollectiveKind::Receive && !statuses.empty() &&
        statuses[0].MPI_ERROR == MPI_ERR_TRUNCATE)
      why = "rank " + std::to_string(r.peer) + " sent more than the " +
            std::to_string(r.outputBytes[0]) + " bytes expected";
    failure = Status(ErrorCode::kTaskFailed, describe(r, &g) + ": " + why);
  } else if (opsDone && arrivalsDone && sendsDone) {
    if (r.kind == CollectiveKind::Receive) {
      int bytes = 0;
      MPI_Get_count(&statuses[0], MPI_BYTE, &bytes);
      if (static_cast<uint64_t>(bytes) != r.outputBytes[0])
        failure =
            Status(ErrorCode::kTaskFailed,
                   describe(r, &g) + ": received " + std::to_string(bytes) +
                       " bytes from rank " + std::to_string(r.peer) +
                       ", expected " + std::to_string(r.outputBytes[0]) +
                       " (the HcomReceive's shape and dtype)");
    }
    for (size_t i = 0; failure.ok() && i < op.arrivalFrom.size(); ++i)
      if (op.arrivalSeqs[op.arrivalFrom[i]] != op.seq)
        failure = Status(
            ErrorCode::kTaskFailed,
            describe(r, &g) + ": rank " + std::to_string(op.arrivalFrom[i]) +
                " ran collective #" +
                std::to_string(op.arrivalSeqs[op.arrivalFrom[i]]) +
                " of the group while this rank ran #" + std::to_string(op.seq) +
                ": every rank must run the group's collectives in the same "
                "order");
    if (failure.ok()) {
      if (!op.stagedOut.empty())
        fromF32(r.dtype, op.stagedOut.data(), op.stagedOut.size(),
                r.outputs[0]);
      op.done(Status::OK());
      return true;
    }
  } else if (now >= op.deadline) {
    std::string missing = missingRanks(op);
    failure = Status(ErrorCode::kTimeout,
                     describe(r, &g) + " timed out after " +
                         std::to_string(collectiveTimeout()) +
                         " s (hccl_timeout): rank(s) " +
                         (missing.empty() ? std::string("?") : missing) +
                         " of the group did not arrive");
  } else {
    return false;
  }
  // The operation may still be pending in MPI: the group cannot be used
  // again, and the process must abort rather than finalize at exit.
  g.broken = failure.message();
  failedOnce_ = true;
  op.done(failure);
  return true;
}

} // namespace geflow::rt::mpi
