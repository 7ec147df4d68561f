# ksim_library(NAME <target> SOURCES ... DEPS ...)
# One library per folder; public headers live under <folder>/include/ksim/<folder>/.
function(ksim_library)
  cmake_parse_arguments(K "" "NAME;INCLUDE" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${K_NAME} STATIC ${K_SOURCES})
  target_include_directories(${K_NAME} PUBLIC ${K_INCLUDE})
  target_link_libraries(${K_NAME} PUBLIC ${K_DEPS} PRIVATE ksim_warnings ${K_PRIVATE_DEPS})
endfunction()

# ksim_test(<name> SOURCES ... DEPS ...): a GoogleTest binary registered with ctest.
function(ksim_test name)
  cmake_parse_arguments(K "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${K_SOURCES})
  target_link_libraries(${name} PRIVATE ${K_DEPS} GTest::gtest_main GTest::gmock ksim_warnings)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
