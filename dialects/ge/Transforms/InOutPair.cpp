//===- InOutPair.cpp - Parsing GE's in_out_pair text ----------------------===//
//
// TF Adapter users write `str(all_graph_iop)`: Python's repr of a list of
// [in_nodes, out_nodes] pairs, names in single quotes (double quotes when a
// name holds a single quote). The grammar is the nested-list subset of
// Python literals: value := string | '[' (value (',' value)*)? ']'.
//
//===----------------------------------------------------------------------===//
#include "dialects/ge/Transforms/Passes.h"

#include "llvm/ADT/StringExtras.h"

#include <memory>

using namespace llvm;

namespace geflow::ge {
namespace {

struct Node {
  bool isString = false;
  std::string text;
  std::vector<std::unique_ptr<Node>> items;
};

class Parser {
public:
  explicit Parser(StringRef text) : text_(text) {}

  std::unique_ptr<Node> parse(std::string &error) {
    auto node = value(error);
    skipSpace();
    if (node && pos_ != text_.size()) {
      error = fail("unexpected text after the closing ']'");
      return nullptr;
    }
    return node;
  }

private:
  std::string fail(const Twine &what) const {
    return (what + " at column " + Twine(pos_ + 1)).str();
  }
  void skipSpace() {
    while (pos_ < text_.size() && llvm::isSpace(text_[pos_]))
      ++pos_;
  }

  std::unique_ptr<Node> value(std::string &error) {
    if (++depth_ > 8) {
      error = fail("lists nest deeper than 8");
      return nullptr;
    }
    skipSpace();
    if (pos_ >= text_.size()) {
      error = fail("expected a list or a quoted name, the text ended");
      return nullptr;
    }
    auto node = std::make_unique<Node>();
    char c = text_[pos_];
    if (c == '\'' || c == '"') {
      size_t end = text_.find(c, pos_ + 1);
      if (end == StringRef::npos) {
        error = fail("unterminated quoted name");
        return nullptr;
      }
      node->isString = true;
      node->text = text_.slice(pos_ + 1, end).str();
      pos_ = end + 1;
    } else if (c == '[') {
      ++pos_;
      skipSpace();
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
      } else {
        while (true) {
          auto item = value(error);
          if (!item)
            return nullptr;
          node->items.push_back(std::move(item));
          skipSpace();
          if (pos_ < text_.size() && text_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            break;
          }
          error = fail("expected ',' or ']'");
          return nullptr;
        }
      }
    } else {
      error =
          fail(Twine("expected '[' or a quoted name, got '") + Twine(c) + "'");
      return nullptr;
    }
    --depth_;
    return node;
  }

  StringRef text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

/// A list of quoted names.
bool isNameList(const Node &n) {
  if (n.isString)
    return false;
  for (const auto &item : n.items)
    if (!item->isString)
      return false;
  return true;
}

/// [in_nodes, out_nodes].
bool isPair(const Node &n) {
  return !n.isString && n.items.size() == 2 && isNameList(*n.items[0]) &&
         isNameList(*n.items[1]);
}

InOutPair toPair(const Node &n) {
  InOutPair p;
  for (const auto &item : n.items[0]->items)
    p.inNodes.push_back(item->text);
  for (const auto &item : n.items[1]->items)
    p.outNodes.push_back(item->text);
  return p;
}

} // namespace

std::optional<std::vector<InOutPair>> parseInOutPairs(StringRef text,
                                                      std::string &error) {
  std::unique_ptr<Node> root = Parser(text).parse(error);
  if (!root)
    return std::nullopt;
  std::vector<InOutPair> pairs;
  // One pair of name lists, unless every item is itself a pair.
  bool listOfPairs =
      !root->isString && !root->items.empty() &&
      llvm::all_of(root->items, [](const auto &n) { return isPair(*n); });
  if (listOfPairs) {
    for (const auto &item : root->items)
      pairs.push_back(toPair(*item));
  } else if (isPair(*root)) {
    pairs.push_back(toPair(*root));
  } else {
    error = "expected [[in_nodes, out_nodes], ...] with lists of quoted node "
            "names, e.g. [[['conv1'], ['fc1']]]";
    return std::nullopt;
  }
  for (const InOutPair &p : pairs)
    if (p.inNodes.empty() || p.outNodes.empty() ||
        llvm::any_of(p.inNodes, [](auto &s) { return s.empty(); }) ||
        llvm::any_of(p.outNodes, [](auto &s) { return s.empty(); })) {
      error = "every pair needs at least one in node and one out node, none "
              "of them empty";
      return std::nullopt;
    }
  return pairs;
}

} // namespace geflow::ge
