// libFuzzer harness for the silent-OT tree message (ot::PuncturedTreesView):
// any input either throws DecodeError or decodes to a message whose header
// re-encodes to the input's first bytes, with exactly as many blocks as its
// tree count and depth say.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ot/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace privfin::ot;
  const privfin::ByteView in = privfin::fuzz::as_view(data, size);
  try {
    const auto m = PuncturedTreesView::from_bytes(in);
    privfin::fuzz::require(m.trees >= 1 && m.trees <= max_silent_trees);
    privfin::fuzz::require(m.depth >= 1 && m.depth <= max_silent_depth);
    privfin::fuzz::require(m.blocks.size() == 16 * punctured_tree_blocks(m.trees, m.depth));
    privfin::fuzz::require(m.secret_length >= 1 && m.secret_length <= max_silent_secret);
    privfin::fuzz::require(m.kept >= 1 && m.kept <= max_silent_outputs);
    privfin::Bytes again = PuncturedTreesView::header(m.iteration, m.trees, m.secret_length, m.depth, m.kept);
    again.insert(again.end(), m.blocks.begin(), m.blocks.end());
    privfin::fuzz::require(privfin::fuzz::same(again, in));
  } catch (const privfin::DecodeError&) {
  }
  return 0;
}
