# Trimmed from github.com/8august8/High_Level@9a3e36e48638, config.py
GEMINI_CONFIG = {
    "model": "gemini-2.5-pro",          # 使用的模型名称
    "temperature": 0.1,                 # 较低的温度以获得更一致的结果
    "response_mime_type": "application/json",  # API响应格式
}
