# Retry code done right, and shapes that only look like retry code: none is
# a finding.
import os
from urllib3.util import Retry
from tenacity import (retry, retry_if_exception_type, stop_after_attempt,
                      wait_random_exponential, Retrying)
from google.genai import errors

RETRY_KWARGS = {"stop": stop_after_attempt(3)}
adapter_retry = Retry(total=5, backoff_factor=1, status_forcelist=[429, 500, 502, 503, 504])
# status_forcelist=[400, 404] in a comment is not code
NOT_RETRIED = [400, 401, 403, 404]


@retry(retry=retry_if_exception_type(errors.ServerError), stop=stop_after_attempt(5),
       wait=wait_random_exponential(multiplier=1, max=60))
def ask(client, prompt):
    return client.models.generate_content(model="gemini-3.8-flash", contents=prompt)


@retry(**RETRY_KWARGS)
def spread(prompt):
    return prompt


def loop(prompt):
    for attempt in Retrying(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10)):
        with attempt:
            return prompt
