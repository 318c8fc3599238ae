//===- ExecutorTestUtil.h - Building small .gfm models by hand ------------===//
//
// The executor tests write task programs directly in the .gfm protobuf, so
// they run without the compiler: real kernels of the registry, tiled by
// their own tiling functions for this machine, on buffers the builder
// places in the arena, the weight blob and the I/O slots.
//
//===----------------------------------------------------------------------===//
#ifndef GEFLOW_TEST_EXECUTORTESTUTIL_H
#define GEFLOW_TEST_EXECUTORTESTUTIL_H

#include "RuntimeTestUtil.h"

#include "geflow/kernels/Registry.h"
#include "geflow/runtime/Gfm.h"
#include "geflow/runtime/Model.h"

#include "proto/gfm.pb.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace geflow::rt::testing {

struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// A weight the kernel's tiling may ask to pre-pack (see kernelWithAttrs).
  bool isConst = false;
  uint64_t bytes() const { return dtypeSize(dtype) * numElements(shape); }
};

inline Tensor f32(std::vector<int64_t> shape) { return {DType::F32, shape}; }

inline gfm::TensorSig sig(const std::string &name, const Tensor &t) {
  gfm::TensorSig s;
  s.set_name(name);
  s.set_dtype(static_cast<gfm::DType>(t.dtype));
  for (int64_t d : t.shape)
    s.add_shape(d);
  return s;
}

inline gfm::Buffer buffer(gfm::Region region, uint32_t slot, uint64_t offset,
                          uint64_t size) {
  gfm::Buffer b;
  b.set_region(region);
  b.set_slot(slot);
  b.set_offset(offset);
  b.set_size(size);
  return b;
}

/// A buffer with the tensor it holds.
struct Operand {
  gfm::Buffer buf;
  Tensor t;
};

/// Appends tasks to one gear, placing arena buffers with a bump allocator.
class ProgramBuilder {
public:
  ProgramBuilder(gfm::Model &model, gfm::Program *program)
      : model_(model), p_(program) {
    p_->set_num_streams(1);
  }

  Operand input(uint32_t slot, const Tensor &t) {
    return {buffer(gfm::INPUT, slot, 0, t.bytes()), t};
  }
  Operand output(uint32_t slot, const Tensor &t) {
    return {buffer(gfm::OUTPUT, slot, 0, t.bytes()), t};
  }
  Operand arena(const Tensor &t) { return {arenaBuffer(t.bytes()), t}; }
  /// Appends `values` to the model's weight blob.
  Operand weight(const Tensor &t, const std::vector<float> &values) {
    uint64_t offset = (weights_.size() + 63) / 64 * 64;
    weights_.resize(offset + t.bytes());
    std::memcpy(weights_.data() + offset, values.data(), t.bytes());
    model_.set_weights_size(weights_.size());
    return {buffer(gfm::WEIGHT, 0, offset, t.bytes()), t};
  }

  /// A kernel task tiled by the registry's tiling function for this host.
  void kernel(uint32_t stream, const std::string &name,
              const std::string &kernel, const std::vector<Operand> &ins,
              const std::vector<Operand> &outs,
              const std::map<std::string, int64_t> &attrs = {}) {
    kernels::AttrMap map;
    for (const auto &[k, v] : attrs)
      map.set(k, v);
    kernelWithAttrs(stream, name, kernel, ins, outs, map);
  }
  /// The same with attributes of any kind (lists for strides, pads, ...).
  gfm::KernelTask *kernelWithAttrs(uint32_t stream, const std::string &name,
                                   const std::string &kernel,
                                   const std::vector<Operand> &ins,
                                   const std::vector<Operand> &outs,
                                   const kernels::AttrMap &attrs) {
    useStream(stream);
    kernels::TilingContext ctx;
    for (const Operand &o : ins)
      ctx.inputs.push_back(desc(o.t));
    for (const Operand &o : outs)
      ctx.outputs.push_back(desc(o.t));
    ctx.attrs = attrs;
    static const kernels::SocInfo soc = kernels::SocInfo::host();
    ctx.soc = &soc;
    kernels::TilingResult tiling;
    const kernels::KernelDef *def =
        kernels::KernelRegistry::global().find(kernel);
    if (def) {
      Status st = def->tiling(ctx, &tiling);
      EXPECT_TRUE(st.ok()) << kernel << ": " << st.toString();
    }
    gfm::Task *task = p_->add_tasks();
    task->set_stream(stream);
    task->set_name(name);
    gfm::KernelTask *k = task->mutable_kernel();
    k->set_kernel(kernel);
    k->set_dtype(static_cast<gfm::DType>(ins.empty() ? outs.at(0).t.dtype
                                                     : ins[0].t.dtype));
    k->set_block_dim(tiling.blockDim);
    k->set_tiling(
        std::string(tiling.tilingData.begin(), tiling.tilingData.end()));
    k->set_workspace_size(tiling.workspaceSize);
    if (tiling.workspaceSize)
      *k->mutable_workspace() = arenaBuffer(tiling.workspaceSize);
    for (const Operand &o : ins) {
      *k->add_inputs() = o.buf;
      *k->add_input_descs() = gfmDesc(o.t);
    }
    for (const Operand &o : outs) {
      *k->add_outputs() = o.buf;
      *k->add_output_descs() = gfmDesc(o.t);
    }
    // Pre-packed weights go into the blob as the compiler would put them.
    for (uint32_t i : tiling.packedInputs) {
      const gfm::Buffer &src = ins.at(i).buf;
      EXPECT_EQ(src.region(), gfm::WEIGHT) << kernel << " packs input " << i;
      std::vector<uint8_t> packed;
      Status st =
          def->pack(ctx, tiling, i, weights_.data() + src.offset(), &packed);
      EXPECT_TRUE(st.ok()) << kernel << ": " << st.toString();
      uint64_t offset = (weights_.size() + 63) / 64 * 64;
      weights_.resize(offset + packed.size());
      std::memcpy(weights_.data() + offset, packed.data(), packed.size());
      model_.set_weights_size(weights_.size());
      *k->mutable_inputs(int(i)) =
          buffer(gfm::WEIGHT, 0, offset, packed.size());
    }
    for (const auto &[key, v] : attrs.all())
      (*k->mutable_attrs())[key] = gfmAttr(v);
    return k;
  }
  void memcpy(uint32_t stream, const std::string &name, const Operand &src,
              const Operand &dst) {
    useStream(stream);
    gfm::Task *task = p_->add_tasks();
    task->set_stream(stream);
    task->set_name(name);
    *task->mutable_memcpy()->mutable_src() = src.buf;
    *task->mutable_memcpy()->mutable_dst() = dst.buf;
  }
  void record(uint32_t stream, uint32_t event) {
    useStream(stream);
    useEvent(event);
    gfm::Task *task = p_->add_tasks();
    task->set_stream(stream);
    task->mutable_record()->set_event(event);
  }
  void wait(uint32_t stream, uint32_t event) {
    useStream(stream);
    useEvent(event);
    gfm::Task *task = p_->add_tasks();
    task->set_stream(stream);
    task->mutable_wait()->set_event(event);
  }
  gfm::Task *hostCall(uint32_t stream, const std::string &name,
                      const std::string &callee,
                      const std::vector<Operand> &ins,
                      const std::vector<Operand> &outs) {
    useStream(stream);
    gfm::Task *task = p_->add_tasks();
    task->set_stream(stream);
    task->set_name(name);
    gfm::HostCallTask *h = task->mutable_host_call();
    h->set_callee(callee);
    for (const Operand &o : ins) {
      *h->add_inputs() = o.buf;
      *h->add_input_descs() = gfmDesc(o.t);
    }
    for (const Operand &o : outs) {
      *h->add_outputs() = o.buf;
      *h->add_output_descs() = gfmDesc(o.t);
    }
    return task;
  }

  /// The weight blob built so far (shared by every gear of the model).
  std::vector<uint8_t> &weights() { return weights_; }

private:
  static kernels::TensorDesc desc(const Tensor &t) {
    kernels::TensorDesc d;
    d.dtype = t.dtype;
    d.shape = t.shape;
    d.isConst = t.isConst;
    return d;
  }
  static gfm::AttrValue gfmAttr(const kernels::AttrValue &v) {
    gfm::AttrValue out;
    if (auto *i = std::get_if<int64_t>(&v))
      out.set_i(*i);
    else if (auto *f = std::get_if<double>(&v))
      out.set_f(*f);
    else if (auto *s = std::get_if<std::string>(&v))
      out.set_s(*s);
    else if (auto *is = std::get_if<std::vector<int64_t>>(&v))
      for (int64_t x : *is)
        out.mutable_ints()->add_values(x);
    else if (auto *fs = std::get_if<std::vector<double>>(&v))
      for (double x : *fs)
        out.mutable_floats()->add_values(x);
    return out;
  }
  static gfm::TensorDesc gfmDesc(const Tensor &t) {
    gfm::TensorDesc d;
    d.set_dtype(static_cast<gfm::DType>(t.dtype));
    d.set_is_const(t.isConst);
    for (int64_t s : t.shape)
      d.add_shape(s);
    return d;
  }
  gfm::Buffer arenaBuffer(uint64_t bytes) {
    uint64_t offset = (p_->arena_size() + 63) / 64 * 64;
    p_->set_arena_size(offset + bytes);
    return buffer(gfm::ARENA, 0, offset, bytes);
  }
  void useStream(uint32_t s) {
    if (s >= p_->num_streams())
      p_->set_num_streams(s + 1);
  }
  void useEvent(uint32_t e) {
    if (e >= p_->num_events())
      p_->set_num_events(e + 1);
  }

  gfm::Model &model_;
  gfm::Program *p_;
  std::vector<uint8_t> weights_;
};

inline std::unique_ptr<Model> loadModel(const gfm::Model &m,
                                        const std::vector<uint8_t> &weights,
                                        const std::shared_ptr<Device> &device) {
  std::vector<uint8_t> bytes = encodeGfm(m, weights.data(), weights.size());
  StatusOr<std::unique_ptr<Model>> model =
      Model::loadFromBytes(bytes.data(), bytes.size(), device, "test.gfm");
  EXPECT_TRUE(model.ok()) << model.status().toString();
  return model.ok() ? std::move(model.value()) : nullptr;
}

inline Status loadStatus(const gfm::Model &m,
                         const std::vector<uint8_t> &weights,
                         const std::shared_ptr<Device> &device) {
  std::vector<uint8_t> bytes = encodeGfm(m, weights.data(), weights.size());
  return Model::loadFromBytes(bytes.data(), bytes.size(), device, "test.gfm")
      .status();
}

inline std::vector<float> randomFloats(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

template <typename T> TensorRef ref(std::vector<T> &data, const Tensor &t) {
  return {data.data(), data.size() * sizeof(T), t.dtype, t.shape};
}

inline void expectContains(const Status &st, const std::string &fragment) {
  EXPECT_FALSE(st.ok()) << "expected an error containing: " << fragment;
  EXPECT_NE(st.message().find(fragment), std::string::npos)
      << "message: " << st.message() << "\nexpected to contain: " << fragment;
}

/// A model exercising every task kind but host calls on three streams and
/// two program events, with `rows` rows of input:
/// x[M,K] -> relu (s0) -> r; s1: y0 = r @ W, y2 = copy(r);
/// s2: t = r + x; s0: y1 = t + t.
constexpr int64_t K = 16, N = 8;
struct Branchy {
  const int64_t M;
  gfm::Model m;
  std::vector<float> w = randomFloats(K * N, 99);
  std::vector<uint8_t> weights;

  explicit Branchy(int64_t rows = 8) : M(rows) {
    m.set_name("branchy");
    *m.add_inputs() = sig("x", f32({M, K}));
    *m.add_outputs() = sig("y0", f32({M, N}));
    *m.add_outputs() = sig("y1", f32({M, K}));
    *m.add_outputs() = sig("y2", f32({M, K}));
    gfm::Program *p = m.add_gears();
    *p->mutable_inputs() = m.inputs();
    *p->mutable_outputs() = m.outputs();
    ProgramBuilder b(m, p);
    Operand x = b.input(0, f32({M, K}));
    Operand r = b.arena(f32({M, K})), t = b.arena(f32({M, K}));
    Operand W = b.weight(f32({K, N}), w);
    b.kernel(0, "relu0", "relu", {x}, {r});
    b.record(0, 0);
    b.wait(1, 0);
    b.kernel(1, "mm0", "matmul", {r, W}, {b.output(0, f32({M, N}))});
    b.wait(2, 0);
    b.kernel(2, "add0", "add", {r, x}, {t});
    b.record(2, 1);
    b.memcpy(1, "copy0", r, b.output(2, f32({M, K})));
    b.wait(0, 1);
    b.kernel(0, "add1", "add", {t, t}, {b.output(1, f32({M, K}))});
    weights = b.weights();
  }

  struct Buffers {
    int64_t M;
    std::vector<float> x, y0, y1, y2;
    Buffers(const Branchy &model, uint32_t seed)
        : M(model.M), x(randomFloats(M * K, seed)), y0(M * N, NAN),
          y1(M * K, NAN), y2(M * K, NAN) {}
    std::vector<TensorRef> inputs() { return {ref(x, f32({M, K}))}; }
    std::vector<TensorRef> outputs() {
      return {ref(y0, f32({M, N})), ref(y1, f32({M, K})), ref(y2, f32({M, K}))};
    }
  };

  /// The number of wrong output elements (0 when all are right).
  int check(const Buffers &b) const {
    int bad = 0;
    for (int64_t i = 0; i < M; ++i) {
      for (int64_t j = 0; j < N; ++j) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += std::max(b.x[i * K + k], 0.f) * double(w[k * N + j]);
        bad +=
            !(std::fabs(b.y0[i * N + j] - acc) <= 1e-5 * (1 + std::fabs(acc)));
      }
      for (int64_t k = 0; k < K; ++k) {
        float x = b.x[i * K + k], r = std::max(x, 0.f);
        bad += b.y2[i * K + k] != r;
        bad += b.y1[i * K + k] != (r + x) + (r + x);
      }
    }
    return bad;
  }
};

} // namespace geflow::rt::testing

#endif // GEFLOW_TEST_EXECUTORTESTUTIL_H
