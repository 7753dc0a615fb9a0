// fetch-retry with server errors only, and a status list that is not a
// retry setting: no finding.
const fetchRetry = require("fetch-retry")(fetch, { retries: 3, retryOn: [429, 503] });
const expected = { statusCodes: [400, 404] };
module.exports = { fetchRetry, expected };
