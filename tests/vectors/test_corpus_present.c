/* The external corpora the vector tests read must be where we expect them. */
#include <stdlib.h>

#include "../harness.h"

TEST(testdata_readme_is_readable)
{
    size_t len;
    uint8_t *data = wax_test_read_file(wax_test_data_path("README.md"), &len);
    CHECK_MSG(data != NULL, "cannot read %s (set WAX_TESTDATA)",
              wax_test_data_path("README.md"));
    CHECK(len > 100);
    free(data);
}
