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
#include "privfin/net/keygen.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/net/network.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/version.hpp"
