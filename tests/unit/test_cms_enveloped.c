#include "../harness.h"
#include "../cms_env_util.h"
TEST(smoke){
  struct test_id bob; if(!test_id_load(&bob,"rfc9216-samples/bob.decrypt.key","rfc9216-samples/bob.encrypt.crt")){printf("load fail\n");return;}
  enum wax_cipher_alg cs[]={WAX_CIPHER_AES128_CBC,WAX_CIPHER_AES256_GCM};
  for(int i=0;i<2;i++) for(int kt=0;kt<2;kt++){
  struct wax_cms_recipient r={bob.cert.data,bob.cert.len,kt,0,0,WAX_CMS_RID_ISSUER_SERIAL};
  struct wax_cms_encrypt_opts o={.cipher=cs[i]};
  struct rec_sink out; rec_init(&out,1<<26);
  wax_err e=wax_cms_encrypt(&o,&r,1,(const uint8_t*)"hello world",11,&out.sink);
  printf("enc %s len %zu closed %d\n",wax_err_name(e),out.buf.len,out.closed);
  FILE*f=fopen("/tmp/smoke/out.der","wb");fwrite(out.buf.data,1,out.buf.len,f);fclose(f);
  struct wax_cms_decrypt_key k=test_id_key(&bob); struct rec_sink pl; rec_init(&pl,1<<26);
  struct wax_cms_decrypt_result res;
  e=decrypt_into(NULL,&k,1,out.buf.data,out.buf.len,0,&pl,&res);
  printf("dec %s '%.*s' closed %d auth %d\n",wax_err_name(e),(int)pl.buf.len,pl.buf.data,pl.closed,res.authenticated);
  }
  }
