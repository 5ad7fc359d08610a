import '@servicenow/sdk/global';

declare global {
  namespace Now {
    namespace Internal {
      interface Keys extends KeysRegistry {
        explicit: {
          'acl-attendee-create': {
            table: 'sys_security_acl';
            id: 'dc752239d3224837916aa1897bbcaaff';
          };
          'acl-attendee-delete': {
            table: 'sys_security_acl';
            id: '245a8ab8300e4cf784be5e67f5cd75c6';
          };
          'acl-attendee-read': {
            table: 'sys_security_acl';
            id: 'd5e429880fc1411e92a025c57bb3cb79';
          };
          'acl-recording-delete': {
            table: 'sys_security_acl';
            id: 'c977422a2d2f4aba8ec680f371783782';
          };
          'acl-recording-read': {
            table: 'sys_security_acl';
            id: '36bcaab0c7674ec0b1c751e7df7ac6fc';
          };
          bom_json: {
            table: 'sys_module';
            id: '657a208fb2154b8b96cb963d8ac98844';
          };
          'br-relay-url-scratchpad': {
            table: 'sys_script';
            id: '7c59de2f64f643ddaf2b96e7b1a30f44';
          };
          'oauth-relay-client': {
            table: 'oauth_entity';
            id: 'd826f31c145b436ca5bab2e06cd7f183';
          };
          package_json: {
            table: 'sys_module';
            id: '48c715cc7d254c96a415ab3a130350d6';
          };
          'prop-attachment-url': {
            table: 'sys_properties';
            id: 'db4903ca0b924254aaae9161c13b7208';
          };
          'prop-recording': {
            table: 'sys_properties';
            id: '647c0bea019a499ab3f432c4df60454a';
          };
          'prop-relay-url': {
            table: 'sys_properties';
            id: '33a1c9e9300e467c8c426738731754ef';
          };
          'sp-widget-screen-share': {
            table: 'sp_widget';
            id: 'b3feaca077844e3780cbc779810d46e8';
          };
          'ui-action-start-screen-share': {
            table: 'sys_ui_action';
            id: 'e288c11c284241ec9ff21140db5aa166';
          };
        };
        composite: [
          {
            table: 'sys_choice';
            id: '027fd0136756486ab77b682891d9495b';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'role';
              value: 'guest';
              language: 'en';
              dependent_value: 'NULL';
            };
          },
          {
            table: 'sys_documentation';
            id: '02b807e9166d43088b37b3cf40d1f034';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'incident';
              language: 'en';
            };
          },
          {
            table: 'sys_dictionary';
            id: '0446288bd440410180ab403c7d2cda5c';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'session_started';
            };
          },
          {
            table: 'sys_security_acl_role';
            id: '18ee927f0f164528a3da4e09b8cee89d';
            key: {
              sys_security_acl: '245a8ab8300e4cf784be5e67f5cd75c6';
              sys_user_role: {
                id: '4435c837b23947a88e11c994c43f7e6c';
                key: {
                  name: 'x_sightline_share.manager';
                };
              };
            };
          },
          {
            table: 'sys_dictionary';
            id: '1c22deb71d6345c4be5568c9e9da2a3e';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'recording';
            };
          },
          {
            table: 'sys_dictionary';
            id: '2373114b82b64a548d0b9a1ef931e83b';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'left_at';
            };
          },
          {
            table: 'sys_dictionary';
            id: '2c6f22d1edb14d11a324f3f9b18e1628';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'email';
            };
          },
          {
            table: 'sys_choice';
            id: '2f979b34140c4c5ea133208c3ca05db2';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'role';
              value: 'host';
              language: 'en';
              dependent_value: 'NULL';
            };
          },
          {
            table: 'sys_security_acl_role';
            id: '338a9a39595b443d8ebf7b021cd20221';
            key: {
              sys_security_acl: 'd5e429880fc1411e92a025c57bb3cb79';
              sys_user_role: {
                id: '4435c837b23947a88e11c994c43f7e6c';
                key: {
                  name: 'x_sightline_share.manager';
                };
              };
            };
          },
          {
            table: 'sys_dictionary';
            id: '34e97246094d460ea52b146043b16a4c';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'session_ended';
            };
          },
          {
            table: 'sys_security_acl_role';
            id: '35fafbf72c0d44c4a3216c9aa564eb6b';
            key: {
              sys_security_acl: 'd5e429880fc1411e92a025c57bb3cb79';
              sys_user_role: {
                id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
                key: {
                  name: 'x_sightline_share.agent';
                };
              };
            };
          },
          {
            table: 'sys_documentation';
            id: '397035777aa64dc9a923d7892a494ecb';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'left_at';
              language: 'en';
            };
          },
          {
            table: 'sys_user_role';
            id: '4435c837b23947a88e11c994c43f7e6c';
            key: {
              name: 'x_sightline_share.manager';
            };
          },
          {
            table: 'sys_dictionary';
            id: '44780c6631ce46c8865654cbde779efb';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'phone';
            };
          },
          {
            table: 'sys_dictionary';
            id: '499c562313974d0db85bad8bc8b7d3d2';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'incident';
            };
          },
          {
            table: 'sys_documentation';
            id: '4ef79c778dd7472a9d2301be2909437f';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'attendee_key';
              language: 'en';
            };
          },
          {
            table: 'sys_documentation';
            id: '5428e21107994b699e185c9ec0a7e1bc';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'session_id';
              language: 'en';
            };
          },
          {
            table: 'sys_dictionary';
            id: '566480a0eca04ae59c2928aff4b68409';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'session_id';
            };
          },
          {
            table: 'sys_choice_set';
            id: '60088a98fd3e48a0939823e48af2dd0c';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'role';
            };
          },
          {
            table: 'sys_documentation';
            id: '63585c6737504e89ba02acf8b7bce56a';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'NULL';
              language: 'en';
            };
          },
          {
            table: 'sys_dictionary';
            id: '676e1adbbb004670a81b8c4bf3d72043';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'attendee_key';
            };
          },
          {
            table: 'sys_dictionary';
            id: '688ea6073b804a3b805c95d45bd8b233';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'name';
            };
          },
          {
            table: 'sys_documentation';
            id: '6f8ed90663924dc4aca4fe4f0c2a10e6';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'recording';
              language: 'en';
            };
          },
          {
            table: 'sys_index';
            id: '7e8844bdc43b49aa963b8dc3240975e6';
            key: {
              logical_table_name: 'x_sightline_share_attendee';
              col_name_string: 'incident,session_id';
            };
          },
          {
            table: 'sys_documentation';
            id: '8276603d965b4f24be967feef8dd0247';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'session_ended';
              language: 'en';
            };
          },
          {
            table: 'sys_documentation';
            id: '8b90cda6aeeb47298d93f5331872a44b';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'end_reason';
              language: 'en';
            };
          },
          {
            table: 'sys_choice';
            id: '8c639bbdbd5f403f8bf02527e9564233';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'role';
              value: 'agent';
              language: 'en';
              dependent_value: 'NULL';
            };
          },
          {
            table: 'sys_dictionary';
            id: '92f109bb5cab47369d4748618b4b8de0';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'end_reason';
            };
          },
          {
            table: 'sys_documentation';
            id: '981308bb43084f769f41a5b4e79afea8';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'joined_at';
              language: 'en';
            };
          },
          {
            table: 'sys_db_object';
            id: '984dfbf787d14c55beafd483f3be4836';
            key: {
              name: 'x_sightline_share_attendee';
            };
          },
          {
            table: 'sys_dictionary';
            id: '9f4fe91687de4e81be981a3c8fb9bd6e';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'NULL';
            };
          },
          {
            table: 'sys_documentation';
            id: 'a375452eab61484ca560a5576699149d';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'role';
              language: 'en';
            };
          },
          {
            table: 'sys_documentation';
            id: 'a8394c31ddbe4e58954be218496e5108';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'phone';
              language: 'en';
            };
          },
          {
            table: 'sys_documentation';
            id: 'aaa382845d064eaabd5a7a872f4a1163';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'name';
              language: 'en';
            };
          },
          {
            table: 'sys_security_acl_role';
            id: 'aba784db838c4e3f8f006e12ace2ea63';
            key: {
              sys_security_acl: 'dc752239d3224837916aa1897bbcaaff';
              sys_user_role: {
                id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
                key: {
                  name: 'x_sightline_share.agent';
                };
              };
            };
          },
          {
            table: 'sys_documentation';
            id: 'b8150f0dd2aa4df98e0eea025eb80210';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'email';
              language: 'en';
            };
          },
          {
            table: 'sys_dictionary';
            id: 'bca89dc6d2f34bc882b72bbb7f38e114';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'role';
            };
          },
          {
            table: 'sys_index';
            id: 'c0cf6e906d614c1d8a8dd287d494cc1f';
            key: {
              logical_table_name: 'x_sightline_share_attendee';
              col_name_string: 'attendee_key';
            };
          },
          {
            table: 'sys_user_role';
            id: 'c46b38119f4549a6bbb40d0f020640f1';
            key: {
              name: 'x_sightline_share.supervisor';
            };
          },
          {
            table: 'sys_documentation';
            id: 'cd68e7ff5b154353a9963fee67de1e15';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'session_started';
              language: 'en';
            };
          },
          {
            table: 'ua_table_licensing_config';
            id: 'd6fc9783c49642a6abd1f43551e54bb9';
            key: {
              name: 'x_sightline_share_attendee';
            };
          },
          {
            table: 'sys_dictionary';
            id: 'd7047d5e5e9f4d599a388cec6302eade';
            key: {
              name: 'x_sightline_share_attendee';
              element: 'joined_at';
            };
          },
          {
            table: 'sys_user_role';
            id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
            key: {
              name: 'x_sightline_share.agent';
            };
          },
          {
            table: 'sys_ui_action_role';
            id: 'de5531f38ee940799100b4421f50bf32';
            key: {
              sys_ui_action: 'e288c11c284241ec9ff21140db5aa166';
              sys_user_role: {
                id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
                key: {
                  name: 'x_sightline_share.agent';
                };
              };
            };
          },
          {
            table: 'sys_user_role_contains';
            id: 'eea7b858a61d4910a50c11658a85f929';
            key: {
              role: {
                id: '4435c837b23947a88e11c994c43f7e6c';
                key: {
                  name: 'x_sightline_share.manager';
                };
              };
              contains: {
                id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
                key: {
                  name: 'x_sightline_share.agent';
                };
              };
            };
          },
        ];
      }
    }
  }
}
