# FindGMP: the GNU multiple precision library and its C++ binding (gmpxx),
# which ship no CMake package. Defines GMP::gmp and GMP::gmpxx.
find_path(GMP_INCLUDE_DIR NAMES gmp.h)
find_path(GMPXX_INCLUDE_DIR NAMES gmpxx.h)
find_library(GMP_LIBRARY NAMES gmp)
find_library(GMPXX_LIBRARY NAMES gmpxx)

if(GMP_INCLUDE_DIR AND EXISTS "${GMP_INCLUDE_DIR}/gmp.h")
  file(STRINGS "${GMP_INCLUDE_DIR}/gmp.h" _gmp_version_lines
       REGEX "#define __GNU_MP_VERSION(_MINOR|_PATCHLEVEL)? +[0-9]+")
  string(REGEX REPLACE ".*__GNU_MP_VERSION +([0-9]+).*" "\\1" _gmp_major "${_gmp_version_lines}")
  string(REGEX REPLACE ".*__GNU_MP_VERSION_MINOR +([0-9]+).*" "\\1" _gmp_minor "${_gmp_version_lines}")
  string(REGEX REPLACE ".*__GNU_MP_VERSION_PATCHLEVEL +([0-9]+).*" "\\1" _gmp_patch "${_gmp_version_lines}")
  set(GMP_VERSION "${_gmp_major}.${_gmp_minor}.${_gmp_patch}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(GMP
  REQUIRED_VARS GMP_LIBRARY GMPXX_LIBRARY GMP_INCLUDE_DIR GMPXX_INCLUDE_DIR
  VERSION_VAR GMP_VERSION)

if(GMP_FOUND)
  if(NOT TARGET GMP::gmp)
    add_library(GMP::gmp UNKNOWN IMPORTED)
    set_target_properties(GMP::gmp PROPERTIES
      IMPORTED_LOCATION "${GMP_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${GMP_INCLUDE_DIR}")
  endif()
  if(NOT TARGET GMP::gmpxx)
    add_library(GMP::gmpxx UNKNOWN IMPORTED)
    set_target_properties(GMP::gmpxx PROPERTIES
      IMPORTED_LOCATION "${GMPXX_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${GMPXX_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES GMP::gmp)
  endif()
endif()
mark_as_advanced(GMP_INCLUDE_DIR GMPXX_INCLUDE_DIR GMP_LIBRARY GMPXX_LIBRARY)
