# Fails when a Catch2 test name holds ';'. catch_discover_tests hands each
# name to CMake as a list, so a ';' splits it: the CTest entry then runs no
# test case at all and still reports "Passed". Usage:
#   cmake -DSOURCE_DIR=<repo> -P cmake/check_test_names.cmake
file(GLOB_RECURSE sources "${SOURCE_DIR}/tests/*.cpp" "${SOURCE_DIR}/examples/*.cpp")
set(bad "")
foreach(source IN LISTS sources)
  file(READ "${source}" text)
  # A name is the string literals right after TEST_CASE( / SCENARIO(, up to the first comma.
  string(REGEX MATCHALL "(TEST_CASE|SCENARIO)[ \t]*\\([ \t\r\n]*(\"[^\"]*\"[ \t\r\n]*)+" names "${text}")
  foreach(name IN LISTS names)
    # MATCHALL already split at ';' if there was one: a piece without a closing quote betrays it.
    string(REGEX MATCH "\"[ \t\r\n]*$" closed "${name}")
    if(NOT closed)
      file(RELATIVE_PATH rel "${SOURCE_DIR}" "${source}")
      string(SUBSTRING "${name}" 0 80 shown)
      list(APPEND bad "${rel}: ${shown}")
    endif()
  endforeach()
endforeach()
if(bad)
  string(REPLACE ";" "\n  " listed "${bad}")
  message(FATAL_ERROR "test names with ';' (CTest would run nothing for them):\n  ${listed}")
endif()
