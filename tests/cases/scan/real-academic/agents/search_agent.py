# Trimmed from github.com/hr-02/Academic-Research-Assistant@2586978df11c, agents/search_agent.py
    os.environ["GOOGLE_API_KEY"] = "gemini-key"
            
embeddings = GoogleGenerativeAIEmbeddings(model="models/embedding-001")
