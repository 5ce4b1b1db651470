// privfin/privfin.hpp — every public privfin header. Convenient for
// applications; libraries should include only the headers they use.
#pragma once

#include "privfin/core/bigint.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/expand_message.hpp"
#include "privfin/core/gmp_field.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/core/mersenne.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/core/turboshake.hpp"
#include "privfin/he/encoding.hpp"
#include "privfin/he/paillier.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/mpc/mpc.hpp"
#include "privfin/sharing/additive.hpp"
#include "privfin/sharing/fixed.hpp"
#include "privfin/sharing/replicated.hpp"
#include "privfin/sharing/shamir.hpp"
#include "privfin/sharing/vss.hpp"
#include "privfin/version.hpp"
#include "privfin/zk/dleq.hpp"
#include "privfin/zk/transcript.hpp"

