# The layer checker (cmake/check_layers.cmake) on small planted trees: it
# accepts trees that follow the graph (with the vdaf layer absent or
# present) and refuses each kind of break, naming the file, the line and
# the include. Script mode:
#   cmake -DCHECKER=cmake/check_layers.cmake -DLAYERS_FILE=cmake/layers.txt -DWORK_DIR=<scratch> -P this file
cmake_minimum_required(VERSION 3.25)
foreach(var CHECKER LAYERS_FILE WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "check_layers_test: set -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
set(failures)

# A tree following the real graph: core, zk, he (he uses zk), mpc (uses net
# and sharing), service (uses mpc and he), and the umbrella header.
function(write_base tree)
  file(WRITE "${tree}/include/privfin/core/ring.hpp" "#pragma once\n#include <cstdint>\n#include \"privfin/version.hpp\"\n")
  file(WRITE "${tree}/include/privfin/version.hpp" "#pragma once\n")
  file(WRITE "${tree}/include/privfin/zk/dleq.hpp" "#pragma once\n#include \"privfin/core/ring.hpp\"\n")
  file(WRITE "${tree}/include/privfin/net/network.hpp" "#pragma once\n#include \"privfin/core/ring.hpp\"\n")
  file(WRITE "${tree}/include/privfin/sharing/replicated.hpp" "#pragma once\n#include <privfin/core/ring.hpp>\n")
  file(WRITE "${tree}/include/privfin/mpc/rep3.hpp"
       "#pragma once\n#include \"privfin/net/network.hpp\"\n#include \"privfin/sharing/replicated.hpp\"\n")
  file(WRITE "${tree}/include/privfin/he/threshold.hpp" "#pragma once\n#include \"privfin/zk/dleq.hpp\"\n")
  file(WRITE "${tree}/lib/he/threshold.cpp" "#include \"privfin/he/threshold.hpp\"\n#include \"local.hpp\"\n")
  file(WRITE "${tree}/include/privfin/service/driver.hpp"
       "#pragma once\n#include \"privfin/mpc/rep3.hpp\"\n#include \"privfin/he/threshold.hpp\"\n")
  file(WRITE "${tree}/include/privfin/privfin.hpp" "#include \"privfin/service/driver.hpp\"\n")
endfunction()

# check(<name> <expect: pass|fail> <text the output must contain> [layers file])
function(check name expect needle)
  set(layers "${LAYERS_FILE}")
  if(ARGC GREATER 3)
    set(layers "${ARGV3}")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${WORK_DIR}/${name}" "-DLAYERS_FILE=${layers}"
                          -P "${CHECKER}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  string(REGEX REPLACE "[ \t\n]+" " " flat "${all}")  # CMake wraps long messages
  if(expect STREQUAL "pass" AND NOT rc EQUAL 0)
    list(APPEND failures "${name}: expected the checker to accept the tree, it said:\n${all}")
  elseif(expect STREQUAL "fail" AND rc EQUAL 0)
    list(APPEND failures "${name}: expected the checker to refuse the tree, it accepted it:\n${all}")
  elseif(NOT flat MATCHES "${needle}")
    list(APPEND failures "${name}: the output lacks \"${needle}\":\n${all}")
  else()
    message(STATUS "${name}: ${expect}ed as expected")
  endif()
  set(failures "${failures}" PARENT_SCOPE)
endfunction()

# 1. The base tree passes; vdaf absent.
write_base("${WORK_DIR}/good")
check(good pass "edges in use: he -> zk, mpc -> net, mpc -> sharing")

# 2. vdaf present, using zk and core: still passes.
write_base("${WORK_DIR}/with_vdaf")
file(WRITE "${WORK_DIR}/with_vdaf/include/privfin/vdaf/prio3.hpp"
     "#pragma once\n#include \"privfin/zk/dleq.hpp\"\n#include \"privfin/core/ring.hpp\"\n")
file(WRITE "${WORK_DIR}/with_vdaf/lib/vdaf/field.cpp" "#include \"privfin/vdaf/prio3.hpp\"\n")
check(with_vdaf pass "vdaf -> zk")

# 3. A planted bad include in a header: zk may not use he.
write_base("${WORK_DIR}/zk_uses_he")
file(WRITE "${WORK_DIR}/zk_uses_he/include/privfin/zk/bad.hpp"
     "#pragma once\n// line 2\n  #  include \"privfin/he/threshold.hpp\"\n")
check(zk_uses_he fail "include/privfin/zk/bad.hpp:3: zk includes privfin/he/threshold.hpp, but zk may include only: core")

# 4. ... and in lib/: sharing may not talk to the network (math is separate from I/O).
write_base("${WORK_DIR}/sharing_uses_net")
file(WRITE "${WORK_DIR}/sharing_uses_net/lib/sharing/vss.cpp" "#include <privfin/net/network.hpp>\n")
check(sharing_uses_net fail "lib/sharing/vss.cpp:1: sharing includes privfin/net/network.hpp")

# 5. vdaf may use zk, not he.
write_base("${WORK_DIR}/vdaf_uses_he")
file(WRITE "${WORK_DIR}/vdaf_uses_he/include/privfin/vdaf/prio3.hpp" "#include \"privfin/he/threshold.hpp\"\n")
check(vdaf_uses_he fail "vdaf includes privfin/he/threshold.hpp, but vdaf may include only: core zk")

# 6. core uses nothing.
write_base("${WORK_DIR}/core_uses_mpc")
file(WRITE "${WORK_DIR}/core_uses_mpc/lib/core/codec.cpp" "#include \"privfin/mpc/rep3.hpp\"\n")
check(core_uses_mpc fail "core may include only: nothing")

# 7. A layer folder the graph does not know.
write_base("${WORK_DIR}/unknown_layer")
file(WRITE "${WORK_DIR}/unknown_layer/include/privfin/nosuchlayer/block.hpp" "#pragma once\n")
check(unknown_layer fail "layer \"nosuchlayer\" is not in")

# 8. The umbrella header from inside a layer.
write_base("${WORK_DIR}/umbrella")
file(WRITE "${WORK_DIR}/umbrella/lib/mpc/all.cpp" "#include \"privfin/privfin.hpp\"\n")
check(umbrella fail "mpc includes privfin/privfin.hpp, which belongs to no layer")

# 9. A relative include that would hide the layer it reaches.
write_base("${WORK_DIR}/relative")
file(WRITE "${WORK_DIR}/relative/include/privfin/sig/ed25519.hpp" "#include \"../mpc/rep3.hpp\"\n")
check(relative fail "include/privfin/sig/ed25519.hpp:1: a relative include")

# 10. A graph with a cycle is refused before any file is read.
write_base("${WORK_DIR}/cycle")
file(WRITE "${WORK_DIR}/cycle/layers.txt" "core:\nzk: core he\nhe: core zk\nnet: core\nsharing: core\nmpc: core net sharing\nservice: mpc he\n")
check(cycle fail "the graph has a cycle among zk, he" "${WORK_DIR}/cycle/layers.txt")

file(REMOVE_RECURSE "${WORK_DIR}")
if(failures)
  string(REPLACE ";" "\n" report "${failures}")
  message(FATAL_ERROR "check_layers_test:\n${report}")
endif()
message(STATUS "check_layers_test: all 10 cases behave")
