# Installs the privfin build in PRIVFIN_BINARY_DIR into WORK_DIR/prefix,
# builds tests/consumer against it and runs the result; then checks that the
# docs and examples were installed and that the installed examples build
# against the installed package.
file(REMOVE_RECURSE "${WORK_DIR}")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install "${PRIVFIN_BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")

# The documentation and the examples come with the package, and the
# examples build on their own against it: configure the installed examples
# tree (the course and every deployment) and build and run lesson 01 (the
# lessons are run one by one in the build tree, "course: ..." tests).
set(docdir "${WORK_DIR}/prefix/share/doc/privfin")
foreach(file README.md docs/architecture.md docs/formats.md examples/README.md examples/CMakeLists.txt
             examples/course/CMakeLists.txt examples/course/course.hpp examples/course/01_rep3_basics.cpp
             examples/01_anti_stacking/CMakeLists.txt)
  if(NOT EXISTS "${docdir}/${file}")
    message(FATAL_ERROR "not installed: share/doc/privfin/${file}")
  endif()
endforeach()
run(${CMAKE_COMMAND} -S "${docdir}/examples" -B "${WORK_DIR}/examples-build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/examples-build" --target course_01_rep3_basics)
run("${WORK_DIR}/examples-build/course/course_01_rep3_basics")
