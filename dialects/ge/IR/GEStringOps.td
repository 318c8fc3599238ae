//===- GEStringOps.td - Ops on string tensors -----------------*- tablegen -*-===//
#ifndef GEFLOW_GE_STRINGOPS
#define GEFLOW_GE_STRINGOPS

include "dialects/ge/IR/GEValueShapedOps.td"

// Strings exist only on the host CPU engine (`!ge.string`, GEBase.td): these
// ops have host kernels only (runtime/kernels/host/string_*.cpp,
// tfidf_vectorizer.cpp) and run with mix_compile_mode.

def GE_StringNormalizerOp : GE_ValueShapedOp<"StringNormalizer"> {
  let summary = "Drops stopwords and changes case (host kernel only)";
  let description = [{
    ONNX `StringNormalizer`: x is [C] or [1, C] strings. Elements equal to
    one of `stopwords` are removed (compared exactly when
    `is_case_sensitive`, else ignoring ASCII case), then every element is
    converted as `case_change_action` says (`LOWER`, `UPPER` or `NONE`;
    ASCII letters, the C / en_US locale's mapping for ASCII text). When
    every element is removed the result is one empty string, [1] or [1, 1].
    `locale` may be empty, "C", "POSIX" or an English one ("en_US",
    "en_US.UTF-8", ...); others are refused. The count left depends on the
    values, so the result type is fixed by the importer and checked when
    the kernel runs.
  }];
  let arguments = (ins GE_StringTensor:$x,
                   DefaultValuedAttr<StrAttr, "\"NONE\"">:$case_change_action,
                   DefaultValuedAttr<BoolAttr, "false">:$is_case_sensitive,
                   DefaultValuedAttr<StrAttr, "\"\"">:$locale,
                   DefaultValuedAttr<StrArrayAttr, "{}">:$stopwords);
  let results = (outs GE_StringTensor:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
}

def GE_TfIdfVectorizerOp
    : GE_Op<"TfIdfVectorizer", [Pure, GE_HostOnlyKernel]> {
  let summary = "N-gram counts over a pool, weighted (host kernel only)";
  let description = [{
    ONNX `TfIdfVectorizer`: x is [C] or [N, C] of int32, int64 or strings;
    y is float [max(ngram_indexes) + 1] or [N, that]. The n-gram pool is
    `pool_int64s` or `pool_strings` (one of them, matching x), grouped by
    length: `ngram_counts[i]` is where the (i+1)-grams start in the pool,
    and `ngram_indexes[k]` is the output column of the k-th n-gram. Every
    n-gram of x with n in [min_gram_length, max_gram_length] whose items are
    `skip + 1` apart (skip in [0, max_skip_count]) is counted once per
    (start, skip); unigrams are counted once per position. `mode` `TF`
    gives the counts, `IDF` `weights[k]` where the count is non-zero, and
    `TFIDF` the count times `weights[k]` (no weights: 1).
  }];
  let arguments = (ins AnyTypeOf<[TensorOf<[I32, I64]>, GE_StringTensor]>:$x,
                   StrAttr:$mode,
                   I64Attr:$min_gram_length,
                   I64Attr:$max_gram_length,
                   I64Attr:$max_skip_count,
                   DenseI64ArrayAttr:$ngram_counts,
                   DenseI64ArrayAttr:$ngram_indexes,
                   OptionalAttr<DenseI64ArrayAttr>:$pool_int64s,
                   OptionalAttr<StrArrayAttr>:$pool_strings,
                   OptionalAttr<DenseF64ArrayAttr>:$weights);
  let results = (outs TensorOf<[F32]>:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def GE_RegexFullMatchOp
    : GE_Op<"RegexFullMatch", [Pure, GE_HostOnlyKernel]> {
  let summary = "Whether each string matches a pattern whole (host only)";
  let description = [{
    ONNX `RegexFullMatch` (opset 20): y[i] is true when all of x[i] matches
    `pattern`. ONNX names RE2 syntax; geflow runs std::regex's ECMAScript
    grammar, which agrees with RE2 on the common subset (literals, classes,
    `\d \w \s`, anchors, groups, alternation, `* + ? {m,n}` and their lazy
    forms). Differences: ECMAScript has backreferences and lookahead (RE2
    refuses them), refuses RE2's `(?P<name>...)` and `(?i)` flags, has no
    `\pL` Unicode classes, and matches bytes, not UTF-8 characters. A pattern
    std::regex cannot compile is a compile error.
  }];
  let arguments = (ins GE_StringTensor:$x, StrAttr:$pattern);
  let results = (outs TensorOf<[I1]>:$y);
  let assemblyFormat = "$x attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // GEFLOW_GE_STRINGOPS
