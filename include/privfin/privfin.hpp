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
#include "privfin/sig/ec_p256.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/ed25519.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "privfin/sig/hash_to_curve.hpp"
#include "privfin/sig/sortition.hpp"
#include "privfin/version.hpp"
