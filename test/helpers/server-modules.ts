/**
 * The modules `startSundial` imports when it runs (the server loads them while its database
 * opens, the AWS executors at the first AWS task), imported here with the test file instead:
 * under vitest each is transformed on first use, and on a loaded machine transforming the whole
 * server inside the first test ate its timeout.
 *
 * @example
 * import './server-modules.js'; // in a helper every server test imports
 */
import '../../src/app-services.js';
import '../../src/executors/aws/aws-executors.js';
import '../../src/storage/pg-database.js';
import '../../src/storage/pglite-database.js';
import '../../src/storage/pglite-template.js';
