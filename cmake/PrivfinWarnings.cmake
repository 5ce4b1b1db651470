# privfin_set_warnings(<target>): the warning set every privfin target is
# compiled with. -Wconversion catches the silent truncations that corrupt ring
# arithmetic; PRIVFIN_WARNINGS_AS_ERRORS turns them into errors (CI does).
function(privfin_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough)
  if(PRIVFIN_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
