# Fixture for scan --verify: each key selects a scenario of the fake API
# (tests/fake_gemini.py): valid, invalid, expired, restricted.
from google import genai

client = genai.Client(api_key="AQ.Test_valid_Hb5Gd0FsAb8RN6Kx2pQw9Zt4Yv")
backup = genai.Client(api_key="AIzaTest_invalid_Kx2pQw9Zt4Yv7Mn1Lc3Wq2")
