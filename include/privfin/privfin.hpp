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
#include "privfin/version.hpp"
#include "privfin/zk/flp.hpp"
#include "privfin/zk/prio3/aggregator.hpp"
#include "privfin/zk/prio3/circuits.hpp"
#include "privfin/zk/prio3/poly.hpp"
#include "privfin/zk/prio3/prio3.hpp"
#include "privfin/zk/prio3/xof.hpp"
#include "privfin/zk/vdaf_field.hpp"
