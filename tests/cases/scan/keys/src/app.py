import os
import google.generativeai as genai

# A key pasted in while debugging, then committed.
API_KEY = "AIzaSyD3f8k2Lq9wPzR7tYb1mN4cV6xJ0hU5eGo"
genai.configure(api_key=API_KEY)
