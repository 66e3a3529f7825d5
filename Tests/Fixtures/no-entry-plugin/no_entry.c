/* A shared library that is not a plugin: it exports no entry symbol. */
int not_a_plugin(int x) { return x + 1; }
