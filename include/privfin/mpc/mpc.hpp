// privfin/mpc/mpc.hpp — the MPC layer in one include: the Protocol concept,
// the Rep3 protocol, and the generic algorithms (truncation, conversions,
// comparisons, select/max, fixed-point functions). See each header.
#pragma once

#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/mpc/conv.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/division.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/matrix.hpp"
#include "privfin/mpc/nonlinear.hpp"
#include "privfin/mpc/ot_preprocessing.hpp"
#include "privfin/mpc/pool.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/mpc/select.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_ot.hpp"
#include "privfin/mpc/spdz2k_preprocessing.hpp"
#include "privfin/mpc/spdz2k_transcript.hpp"
#include "privfin/mpc/truncation.hpp"
