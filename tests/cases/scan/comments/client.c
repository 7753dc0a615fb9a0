/* A planted file: a preprocessor line is code, not a comment. */
#define MODEL "gemini-1.5-flash"
int main(void) { return 0; } // gemini-1.5-pro
