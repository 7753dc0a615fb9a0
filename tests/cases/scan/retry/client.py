# Retry code that retries what cannot succeed, or retries badly.
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry
from google import genai
from google.genai import errors, types
from tenacity import (Retrying, retry, retry_if_exception_type, stop_after_attempt,
                      wait_exponential)

adapter = HTTPAdapter(max_retries=Retry(total=5, backoff_factor=1,
                                        status_forcelist=[400, 429, 500, 503]))

client = genai.Client(http_options=types.HttpOptions(
    retry_options=types.HttpRetryOptions(attempts=4, http_status_codes=[404, 429, 503])))


@retry(retry=retry_if_exception_type(errors.ClientError), stop=stop_after_attempt(3),
       wait=wait_exponential(multiplier=1, max=30))
def ask(prompt):
    return client.models.generate_content(model="gemini-3.8-flash", contents=prompt)


@retry(stop=stop_after_attempt(5))
def no_wait(prompt):
    return ask(prompt)


@retry
def forever(prompt):
    return ask(prompt)


def stream(prompt):
    for attempt in Retrying(wait=wait_exponential(max=10)):
        with attempt:
            return ask(prompt)
