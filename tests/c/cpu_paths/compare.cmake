# Runs both builds of render_scenes and compares their outputs byte for byte.
execute_process(COMMAND ${WITH_CLONES} ${OUT}/with_clones.bin RESULT_VARIABLE a)
execute_process(COMMAND ${ONE_PATH} ${OUT}/one_path.bin RESULT_VARIABLE b)
if(NOT a EQUAL 0 OR NOT b EQUAL 0)
  message(FATAL_ERROR "render_scenes failed: ${a} ${b}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/with_clones.bin ${OUT}/one_path.bin
                RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "the AVX2 and plain x86-64 tile code give different images")
endif()
message(STATUS "the two CPU code paths give the same bytes")
