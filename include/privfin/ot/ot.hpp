// privfin/ot/ot.hpp — the oblivious-transfer layer in one include: base OT
// (base_ot.hpp), OT extension (extension.hpp), the hash (crhash.hpp), the
// wire messages (messages.hpp). See docs/ot.md.
#pragma once

#include "privfin/ot/base_ot.hpp"
#include "privfin/ot/block.hpp"
#include "privfin/ot/crhash.hpp"
#include "privfin/ot/extension.hpp"
#include "privfin/ot/messages.hpp"
