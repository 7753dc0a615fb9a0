// A planted file: models and parameters inside comments are not calls.
export const geminiConfig = {
  /**
   * Was gemini-1.5-pro; see gemini-3-pro-preview for harder tasks.
   */
  modelName: "gemini-2.5-flash",
  // temperature: 0.2 was tried with gemini-3-pro-preview
  temperature: 0.2,
  endpoint: "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent",
};
/* model: "gemini-1.0-pro" */
